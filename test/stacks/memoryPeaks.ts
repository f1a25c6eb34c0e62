// Peak memory of each container of a compose project, beside its limit. Sampled every 2 s from the container's
// cgroup as `docker stats` counts it (usage minus inactive page cache: the memory the processes hold). The kernel's
// own peak (cgroup v1 memory.max_usage_in_bytes) includes page cache, which fills any limit on a busy disk (a
// DataNode writing blocks) and is given back under pressure, so it is recorded beside it but not compared.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DockerBed } from './standins';

const exec = promisify(execFile);
const MiB = 2 ** 20;

export interface MemoryPeak {
  service: string;
  container: string;
  /** Highest sampled working set (usage minus inactive page cache). */
  peakMiB: number;
  /** The kernel's peak, page cache included (cgroup v1), when readable. */
  kernelPeakMiB?: number;
  limitMiB: number;
}

interface Seen {
  id: string;
  project: string;
  service: string;
  name: string;
  limitMiB: number;
  peakBytes: number;
}

function cgroupDirs(id: string): string[] {
  return [
    path.join('/sys/fs/cgroup/memory/docker', id),
    path.join('/sys/fs/cgroup/system.slice', `docker-${id}.scope`),
    path.join('/sys/fs/cgroup/docker', id),
  ];
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Working set now, as docker stats computes it (v1: usage - total_inactive_file; v2: current - inactive_file). */
function workingSet(id: string): number | undefined {
  for (const dir of cgroupDirs(id)) {
    const usage = read(path.join(dir, 'memory.usage_in_bytes')) ?? read(path.join(dir, 'memory.current'));
    if (usage === undefined) continue;
    const stat = read(path.join(dir, 'memory.stat')) ?? '';
    const inactive = Number(/^(?:total_inactive_file|inactive_file) (\d+)$/m.exec(stat)?.[1] ?? 0);
    return Math.max(0, Number(usage.trim()) - inactive);
  }
  return undefined;
}

function kernelPeak(id: string): number | undefined {
  for (const dir of cgroupDirs(id)) {
    const peak = read(path.join(dir, 'memory.max_usage_in_bytes')) ?? read(path.join(dir, 'memory.peak'));
    if (peak !== undefined) return Number(peak.trim());
  }
  return undefined;
}

/** Samples every running container of the given projects until stopped. */
export class MemorySampler {
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly bed: DockerBed,
    private readonly projects: string[],
  ) {}

  start(intervalMs = 2000): void {
    this.timer = setInterval(() => {
      this.sampling ??= this.sample()
        .catch(() => undefined)
        .finally(() => (this.sampling = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  async sample(): Promise<void> {
    const { stdout } = await exec(
      this.bed.cli,
      ['ps', '--no-trunc', '--format', '{{.ID}}\t{{.Label "com.docker.compose.project"}}\t{{.Label "com.docker.compose.service"}}\t{{.Names}}'],
      { env: this.bed.env },
    );
    for (const line of stdout.split('\n').filter(Boolean)) {
      const [id, project, service, name] = line.split('\t');
      if (!this.projects.includes(project)) continue;
      let entry = this.seen.get(name);
      if (!entry || entry.id !== id) {
        const limit = Number((await exec(this.bed.cli, ['inspect', '--format', '{{.HostConfig.Memory}}', id], { env: this.bed.env })).stdout.trim());
        entry = { id, project, service, name, limitMiB: Math.round(limit / MiB), peakBytes: entry?.peakBytes ?? 0 };
        this.seen.set(name, entry);
      }
      entry.peakBytes = Math.max(entry.peakBytes, workingSet(id) ?? 0);
    }
  }

  /** The peaks of one project's containers seen so far. */
  peaks(project: string): MemoryPeak[] {
    return [...this.seen.values()]
      .filter((s) => s.project === project && s.peakBytes > 0)
      .map((s) => {
        const kernel = kernelPeak(s.id);
        return {
          service: s.service,
          container: s.name,
          peakMiB: Math.round(s.peakBytes / MiB),
          ...(kernel !== undefined ? { kernelPeakMiB: Math.round(kernel / MiB) } : {}),
          limitMiB: s.limitMiB,
        };
      })
      .sort((a, b) => a.container.localeCompare(b.container));
  }
}

/** Adds a project's peaks to test-results/memory-peaks.json (the highest seen per service) and prints them. */
export async function recordMemoryPeaks(sampler: MemorySampler, project: string, resultsDir: string): Promise<MemoryPeak[]> {
  await sampler.sample();
  const peaks = sampler.peaks(project);
  const file = path.join(resultsDir, 'memory-peaks.json');
  const all = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Record<
    string,
    Record<string, Omit<MemoryPeak, 'service' | 'container'>>
  >;
  const mine = (all[project] ??= {});
  for (const p of peaks) {
    const seen = mine[p.service];
    if (!seen || seen.peakMiB < p.peakMiB) mine[p.service] = { peakMiB: p.peakMiB, kernelPeakMiB: p.kernelPeakMiB, limitMiB: p.limitMiB };
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
  for (const p of peaks)
    console.log(
      `      memory ${p.container}: peak ${p.peakMiB} MiB of ${p.limitMiB} MiB${p.kernelPeakMiB !== undefined ? ` (${p.kernelPeakMiB} MiB with page cache)` : ''}`,
    );
  return peaks;
}
