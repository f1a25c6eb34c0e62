// What the experiments measure besides the comparison: the machine they run on, and the CPU and memory of every
// running lab container (docker stats), each tagged with the pipeline its job runs.
import * as os from 'node:os';
import type { Pipeline } from '../../core/comparison';
import type { ContainerLoad } from '../../core/experiments/rateSweep';
import type { MachineInfo } from '../../core/experiments/sweepResult';
import { STACK_NAMES, STACKS, type JobId, type StackName } from '../../core/stacks';
import type { DockerAccess } from '../../clients/docker/dockerAccess';
import type { ContainersModel } from '../containers';

/** The pipeline each job's container runs, for "which container limits this pipeline". */
export const JOB_PIPELINE: Partial<Record<JobId, Pipeline>> = {
  speed_layer: 'lambdaSpeed',
  batch_layer: 'lambdaBatch',
  validation: 'validation',
  kappa_stream: 'kappa',
};

export function machine(): Omit<MachineInfo, 'loadAtEnd'> {
  return {
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    loadAtStart: os.loadavg()[0],
    platform: `${os.platform()} ${os.release()}, Node ${process.version}`,
  };
}

/** CPU and memory of every running lab container, read now (a container that cannot be read is left out). */
export async function labContainerLoads(deps: { containers: ContainersModel; docker: DockerAccess }): Promise<ContainerLoad[]> {
  const state = deps.containers.current;
  if (state.kind !== 'ready') return [];
  const hostMemory = os.totalmem();
  const lab = state.containers.filter((c) => c.state === 'running' && STACK_NAMES.some((s) => STACKS[s].composeProject === c.project));
  const loads = await Promise.all(
    lab.map(async (c): Promise<ContainerLoad | undefined> => {
      const stats = await deps.docker
        .client()
        .stats(c.id)
        .catch(() => undefined);
      if (!stats) return undefined;
      const stack = STACK_NAMES.find((s) => STACKS[s].composeProject === c.project) as StackName;
      const job = STACKS[stack].jobs.find((j) => j.service === c.service);
      return {
        name: c.name,
        cpuCores: stats.cpuPercent / 100,
        memoryBytes: stats.memoryBytes,
        // Docker reports the host's memory as the limit of a container without one.
        memoryLimitBytes: stats.memoryLimitBytes > 0 && stats.memoryLimitBytes < 0.95 * hostMemory ? stats.memoryLimitBytes : undefined,
        pipeline: job && JOB_PIPELINE[job.id],
      };
    }),
  );
  return loads.filter((l): l is ContainerLoad => l !== undefined);
}
