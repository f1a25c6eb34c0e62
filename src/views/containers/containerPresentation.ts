// How a container and a stack group look in the tree: pure functions, tested without VS Code.
import type { ComposeProgress } from '../../clients/docker/composeOutput';
import type { ContainerStats, ContainerSummary } from '../../clients/docker/types';

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

/** "healthy" counts a running service without a healthcheck too; one-shot helpers are not counted. */
export function groupHealth(containers: ContainerSummary[]): { healthy: number; total: number } {
  const services = containers.filter((c) => !c.oneShot);
  const healthy = services.filter((c) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none')).length;
  return { healthy, total: services.length };
}

export function portsText(container: ContainerSummary): string {
  return container.ports.map((p) => (p.hostPort === p.containerPort ? `${p.hostPort}` : `${p.hostPort}→${p.containerPort}`)).join(', ');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
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

/** The service a compose container name belongs to: archlab-kappa-kafka-1 → kafka. */
export function serviceOf(containerName: string, project: string): string {
  return containerName.replace(new RegExp(`^${project}[-_]`), '').replace(/[-_]\d+$/, '');
}

/** One line of start/stop progress, naming the service. */
export function describeProgress(progress: ComposeProgress, project: string): string {
  const service = progress.subject ? serviceOf(progress.subject, project) : undefined;
  switch (progress.phase) {
    case 'pulling':
      return `Pulling images${service ? `: ${service}` : ''}…`;
    case 'building':
      return 'Building the jobs image…';
    case 'creating':
      return `Creating ${service ?? 'containers'}…`;
    case 'starting':
      return `Starting ${service ?? 'containers'}…`;
    case 'waiting':
      return `Waiting for ${service ?? 'services'} to be healthy…`;
    case 'healthy':
      return `${service ?? 'A service'} is healthy`;
    case 'stopping':
      return `Stopping ${service ?? 'containers'}…`;
    case 'removing':
      return `Removing ${service ?? 'containers'}…`;
  }
}
