// What a scale run records (per setting: when its jobs started, the backlog's target, every progress sample and the
// containers' loads) and what is derived from it: per setting and pipeline its start-up, catch-up time and
// throughput, and per setting against the first one whether the throughput changed measurably, and why (not).
import type { Pipeline } from '../comparison';
import { formatBytes, formatRate } from '../format';
import { parseMemory, type StackName } from '../stacks';
import type { ContainerLoad } from './rateSweep';
import { SCALE_NOISE, type ScaleOptions, type ScaleSetting } from './scale';
import type { MachineInfo } from './sweepResult';

export interface ScaleProgressSample {
  at: number;
  /** Σ offsets each pipeline has counted. */
  processed: Partial<Record<Pipeline, number>>;
  load: number;
}

export interface ScaleLoadSample {
  at: number;
  containers: ContainerLoad[];
}

export interface ScaleSettingRun {
  setting: ScaleSetting;
  /** When the jobs were started with this setting (the backlog already sent). */
  startedAt: number;
  /** When compose reported the jobs (and the recreated workers) healthy. */
  jobsUpAt: number;
  /** Σ end offsets of the topic once the backlog was sent: what every pipeline must count to be exact. */
  target: number;
  /** Σ offsets each pipeline had counted when its jobs were stopped. */
  before: Partial<Record<Pipeline, number>>;
  progress: ScaleProgressSample[];
  loads: ScaleLoadSample[];
  finishedAt: number;
}

export interface ScalePipelineResult {
  pipeline: Pipeline;
  /** Events of the backlog this pipeline had to count. */
  events: number;
  caughtUp: boolean;
  /** From starting the jobs to their first counted events (compose, JVMs, Spark's first micro-batch). */
  startupMs?: number;
  /** From the first counted events to exact. */
  catchUpMs?: number;
  /** From starting the jobs to exact: what a user waits. */
  timeToExactMs?: number;
  /** Events/s counted between the first counted events and exact (undefined: the backlog fit in one micro-batch). */
  throughput?: number;
  /** Σ CPU (cores) of the Spark workers, where the executors run: mean over the catch-up and the peak. */
  workerCpuMean?: number;
  workerCpuPeak?: number;
  /** Σ memory of the Spark workers at its peak, and Σ their limits. */
  workerMemoryPeakBytes?: number;
  workerMemoryLimitBytes?: number;
  /** The machine's mean 1-minute load average over the catch-up. */
  load?: number;
}

export type ScaleVerdict = 'faster' | 'slower' | 'no difference' | 'not measured';

export interface ScaleComparison {
  pipeline: Pipeline;
  /** Index of the setting compared with the first one. */
  setting: number;
  ratio?: number;
  verdict: ScaleVerdict;
  reason: string;
}

export interface ScaleResult {
  experiment: 'scale';
  formatVersion: 1;
  options: ScaleOptions;
  seed: number;
  startedAt: number;
  finishedAt: number;
  complete: boolean;
  machine: MachineInfo;
  stacks: StackName[];
  runs: ScaleSettingRun[];
  /** Per run (same order), per pipeline. */
  results: ScalePipelineResult[][];
  comparisons: ScaleComparison[];
}

const isWorker = (c: ContainerLoad) => /spark-worker/.test(c.name);
const mean = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
const max = (xs: number[]) => (xs.length === 0 ? undefined : Math.max(...xs));

export function analyzeScaleRun(run: ScaleSettingRun): ScalePipelineResult[] {
  return (Object.keys(run.before) as Pipeline[]).map((pipeline) => {
    const before = run.before[pipeline] ?? 0;
    const seen = run.progress.filter((s) => s.processed[pipeline] !== undefined);
    const first = seen.find((s) => s.processed[pipeline]! > before);
    const exact = seen.find((s) => s.processed[pipeline]! >= run.target);
    const result: ScalePipelineResult = { pipeline, events: Math.max(0, run.target - before), caughtUp: exact !== undefined };
    if (first) result.startupMs = first.at - run.startedAt;
    if (exact) result.timeToExactMs = exact.at - run.startedAt;
    if (first && exact) {
      result.catchUpMs = exact.at - first.at;
      if (exact.at > first.at) result.throughput = ((exact.processed[pipeline]! - first.processed[pipeline]!) * 1000) / (exact.at - first.at);
    }
    const from = first?.at ?? run.jobsUpAt;
    const to = exact?.at ?? run.finishedAt;
    const window = run.loads.filter((l) => l.at >= from && l.at <= to);
    const workers = (window.length > 0 ? window : run.loads).map((l) => l.containers.filter(isWorker));
    const cpu = workers.filter((w) => w.length > 0).map((w) => w.reduce((a, c) => a + c.cpuCores, 0));
    result.workerCpuMean = mean(cpu);
    result.workerCpuPeak = max(cpu);
    result.workerMemoryPeakBytes = max(workers.filter((w) => w.length > 0).map((w) => w.reduce((a, c) => a + c.memoryBytes, 0)));
    const limits = workers.find((w) => w.length > 0 && w.every((c) => c.memoryLimitBytes !== undefined));
    if (limits) result.workerMemoryLimitBytes = limits.reduce((a, c) => a + c.memoryLimitBytes!, 0);
    result.load = mean(run.progress.filter((s) => s.at >= from && s.at <= to).map((s) => s.load));
    return result;
  });
}

/** Every setting against the first one, per pipeline. */
export function compareScale(settings: ScaleSetting[], results: ScalePipelineResult[][], cores: number): ScaleComparison[] {
  const out: ScaleComparison[] = [];
  for (const baseline of results[0] ?? []) {
    for (let i = 1; i < results.length; i++) {
      const other = results[i].find((r) => r.pipeline === baseline.pipeline);
      out.push({ pipeline: baseline.pipeline, setting: i, ...verdict(settings[0], settings[i], baseline, other, cores) });
    }
  }
  return out;
}

function verdict(
  baseSetting: ScaleSetting,
  setting: ScaleSetting,
  base: ScalePipelineResult,
  other: ScalePipelineResult | undefined,
  cores: number,
): { ratio?: number; verdict: ScaleVerdict; reason: string } {
  const notMeasured = (r: ScalePipelineResult | undefined, label: string) =>
    !r || !r.caughtUp
      ? `${label} did not catch up with the backlog in time`
      : r.throughput === undefined
        ? `${label} counted the whole backlog in one micro-batch (send a larger backlog)`
        : undefined;
  const missing = notMeasured(base, baseSetting.label) ?? notMeasured(other, setting.label);
  if (missing || !other) return { verdict: 'not measured', reason: missing ?? 'no figures' };
  const ratio = other.throughput! / base.throughput!;
  const head = `${ratio.toFixed(2)}× the throughput of ${baseSetting.label} (${formatRate(other.throughput)} against ${formatRate(base.throughput)})`;
  const used = (r: ScalePipelineResult) => (r.workerCpuMean === undefined ? 'an unknown number of' : r.workerCpuMean.toFixed(2));
  if (ratio >= 1 + SCALE_NOISE) return { ratio, verdict: 'faster', reason: `${head}: the workers used ${used(other)} cores against ${used(base)}` };
  const why: string[] = [];
  const load = other.load ?? base.load;
  if (load !== undefined && load >= cores) {
    why.push(`the machine was saturated (load average ${load.toFixed(1)} on ${cores} cores): Spark's extra cores are the same ${cores} CPUs`);
  }
  if (setting.coresPerJob > baseSetting.coresPerJob && other.workerCpuMean !== undefined && other.workerCpuMean < baseSetting.coresPerJob + 0.5) {
    why.push(
      `the executors used ${used(other)} cores of the ${setting.coresPerJob} they were given: the time goes to a fixed cost per micro-batch, not to tasks more cores would run side by side`,
    );
  }
  if (parseMemory(setting.executorMemory) > parseMemory(baseSetting.executorMemory) && base.workerMemoryPeakBytes && base.workerMemoryLimitBytes) {
    if (base.workerMemoryPeakBytes < 0.8 * base.workerMemoryLimitBytes) {
      why.push(
        `with ${baseSetting.executorMemory} executors the workers peaked at ${formatBytes(base.workerMemoryPeakBytes)} of ${formatBytes(base.workerMemoryLimitBytes)}: memory was not the limit`,
      );
    }
  }
  if (setting.sparkWorkers > baseSetting.sparkWorkers) why.push(`the extra workers run on the same ${cores} cores of this machine`);
  if (ratio <= 1 - SCALE_NOISE) {
    return { ratio, verdict: 'slower', reason: `${head}${why.length > 0 ? `: ${why.join('; ')}` : ''}` };
  }
  if (why.length === 0) why.push(`the difference is within the ±${Math.round(SCALE_NOISE * 100)} % two runs of one setting differ by here`);
  return { ratio, verdict: 'no difference', reason: `${head}: ${why.join('; ')}` };
}
