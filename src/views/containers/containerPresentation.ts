// How a container and a stack group look in the tree: pure functions, tested without VS Code.
import type { ContainerStats, ContainerSummary } from '../../clients/docker/types';
import { formatBytes } from '../../core/format';

export type IconId = 'pass-filled' | 'loading~spin' | 'error' | 'circle-filled' | 'check' | 'circle-slash' | 'debug-pause' | 'question';

export function containerIcon(container: ContainerSummary): { id: IconId; color?: string } {
  if (container.state === 'running') {
    switch (container.health) {
      case 'healthy':
        return { id: 'pass-filled', color: 'testing.iconPassed' };
      case 'starting':
        return { id: 'loading~spin' };
      case 'unhealthy':
        return { id: 'error', color: 'testing.iconFailed' };
      default:
        return { id: 'circle-filled', color: 'testing.iconPassed' };
    }
  }
  if (container.state === 'exited' && container.oneShot && /Exited \(0\)/.test(container.status)) return { id: 'check' };
  if (container.state === 'exited' || container.state === 'dead') return { id: 'circle-slash', color: container.oneShot ? undefined : 'testing.iconFailed' };
  if (container.state === 'paused') return { id: 'debug-pause' };
  if (container.state === 'restarting' || container.state === 'created') return { id: 'loading~spin' };
  return { id: 'question' };
}

export function portsText(container: ContainerSummary): string {
  return container.ports.map((p) => (p.hostPort === p.containerPort ? `${p.hostPort}` : `${p.hostPort}→${p.containerPort}`)).join(', ');
}

export function statsText(stats: ContainerStats | undefined): string {
  return stats ? `${stats.cpuPercent.toFixed(0)}% · ${formatBytes(stats.memoryBytes)}` : '';
}

export function stateText(container: ContainerSummary): string {
  if (container.state === 'running' && container.health !== 'none') return container.health;
  return container.state;
}

/** contextValue drives the menus: container.running, container.exited, … plus .ui when it has a web UI. */
export function containerContext(container: ContainerSummary, hasUi: boolean): string {
  const state = container.state === 'running' ? 'running' : container.state === 'paused' ? 'paused' : 'stopped';
  return `container.${state}${hasUi ? '.ui' : ''}`;
}
