// Pure translations from Docker's API shapes to ours (tested without a daemon).
import type { ContainerHealth, ContainerState, ContainerStats, ContainerSummary, PublishedPort } from './types';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
/** Set on services that run once and exit (init jobs); see lab-stacks. */
export const ONE_SHOT_LABEL = 'archlab.one-shot';

export interface ApiContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Status?: string;
  Labels?: Record<string, string>;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

const STATES: ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function healthFromStatus(status: string): ContainerHealth {
  if (/\(healthy\)/.test(status)) return 'healthy';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  return 'none';
}

export function toContainerSummary(container: ApiContainer): ContainerSummary {
  const labels = container.Labels ?? {};
  const status = container.Status ?? '';
  const state = (STATES as string[]).includes(container.State ?? '') ? (container.State as ContainerState) : 'unknown';
  const ports: PublishedPort[] = (container.Ports ?? [])
    .filter((p) => p.PublicPort !== undefined)
    .map((p) => ({ hostIp: p.IP ?? '', hostPort: p.PublicPort as number, containerPort: p.PrivatePort, protocol: p.Type }))
    // Docker lists a port once per address family; keep one entry per host port.
    .filter((p, i, all) => all.findIndex((q) => q.hostPort === p.hostPort && q.protocol === p.protocol) === i)
    .sort((a, b) => a.hostPort - b.hostPort);
  return {
    id: container.Id,
    name: (container.Names?.[0] ?? container.Id.slice(0, 12)).replace(/^\//, ''),
    project: labels[PROJECT_LABEL],
    service: labels[SERVICE_LABEL],
    oneShot: labels[ONE_SHOT_LABEL] === 'true',
    image: container.Image ?? '',
    state,
    health: state === 'running' ? healthFromStatus(status) : 'none',
    status,
    ports,
  };
}

export interface ApiStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}

/** CPU % the way `docker stats` computes it: container delta over system delta, times the CPUs. */
export function toContainerStats(stats: ApiStats): ContainerStats {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus ?? cpu?.cpu_usage?.percpu_usage?.length ?? 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const memory = stats.memory_stats;
  const cache = memory?.stats?.inactive_file ?? memory?.stats?.cache ?? 0;
  return { cpuPercent, memoryBytes: Math.max(0, (memory?.usage ?? 0) - cache), memoryLimitBytes: memory?.limit ?? 0 };
}
