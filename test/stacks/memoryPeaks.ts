// Peak memory of each running container of a compose project, as the kernel counted it for the container's cgroup
// (v1: memory.max_usage_in_bytes, v2: memory.peak), beside its limit. The lab-stack tests record it after a full
// run, so the memory limits in the compose files (and the README's table) come from what the processes took.
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
  peakMiB: number;
  limitMiB: number;
}

function cgroupPeak(id: string, parent: string): number | undefined {
  const base = parent || '/docker';
  const candidates = [
    path.join('/sys/fs/cgroup/memory', base, id, 'memory.max_usage_in_bytes'),
    path.join('/sys/fs/cgroup', base, id, 'memory.peak'),
    path.join('/sys/fs/cgroup/system.slice', `docker-${id}.scope`, 'memory.peak'),
  ];
  for (const file of candidates) {
    try {
      return Number(fs.readFileSync(file, 'utf8').trim());
    } catch {
      // not this layout
    }
  }
  return undefined;
}

export async function memoryPeaks(bed: DockerBed, project: string): Promise<MemoryPeak[]> {
  const ids = (await exec(bed.cli, ['ps', '--quiet', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`], { env: bed.env })).stdout
    .split('\n')
    .filter(Boolean);
  if (!ids.length) return [];
  const inspected = JSON.parse((await exec(bed.cli, ['inspect', ...ids], { env: bed.env, maxBuffer: 64 * MiB })).stdout) as {
    Id: string;
    Name: string;
    Config: { Labels: Record<string, string> };
    HostConfig: { Memory: number; CgroupParent: string };
  }[];
  const peaks: MemoryPeak[] = [];
  for (const c of inspected) {
    const peak = cgroupPeak(c.Id, c.HostConfig.CgroupParent);
    if (peak === undefined) continue;
    peaks.push({
      service: c.Config.Labels['com.docker.compose.service'],
      container: c.Name.replace(/^\//, ''),
      peakMiB: Math.round(peak / MiB),
      limitMiB: Math.round(c.HostConfig.Memory / MiB),
    });
  }
  return peaks.sort((a, b) => a.container.localeCompare(b.container));
}

/** Adds this run's peaks to test-results/memory-peaks.json (the highest seen per service) and prints them. */
export async function recordMemoryPeaks(bed: DockerBed, project: string, resultsDir: string): Promise<MemoryPeak[]> {
  const peaks = await memoryPeaks(bed, project);
  const file = path.join(resultsDir, 'memory-peaks.json');
  const all = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Record<string, Record<string, { peakMiB: number; limitMiB: number }>>;
  const mine = (all[project] ??= {});
  for (const p of peaks) {
    const seen = mine[p.service];
    if (!seen || seen.peakMiB < p.peakMiB) mine[p.service] = { peakMiB: p.peakMiB, limitMiB: p.limitMiB };
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
  for (const p of peaks) console.log(`      memory ${p.container}: peak ${p.peakMiB} MiB of ${p.limitMiB} MiB`);
  return peaks;
}
