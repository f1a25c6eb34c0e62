// The rate sweep: step the offered rate up and hold each step; per step and per pipeline, what it sustained, how
// its lag moved, how fresh its answer was; and the choke point: the first step where a pipeline falls behind
// without bound or its freshness passes the limit, with the reason read from what was measured.

import { percentile } from '../comparisonSeries';

export interface RateSweepOptions {
  /** Offered events/s of the first step. */
  startRate: number;
  /** Each step offers this many times the previous one. */
  factor: number;
  steps: number;
  /** How long each step is held (ms). */
  holdMs: number;
  /** A pipeline whose p95 freshness passes this (ms) is choking. */
  freshnessLimitMs: number;
}

export const DEFAULT_RATE_SWEEP: RateSweepOptions = { startRate: 500, factor: 2, steps: 6, holdMs: 60_000, freshnessLimitMs: 10_000 };

export interface SweepStep {
  index: number;
  offeredRate: number;
  holdMs: number;
}

export function rateSweepPlan(options: Partial<RateSweepOptions> = {}): SweepStep[] {
  const o = { ...DEFAULT_RATE_SWEEP, ...options };
  if (!(o.startRate > 0) || !(o.factor > 1) || !Number.isInteger(o.steps) || o.steps < 1 || !(o.holdMs > 0)) {
    throw new Error('a rate sweep needs startRate > 0, factor > 1, a whole number of steps ≥ 1 and holdMs > 0');
  }
  return Array.from({ length: o.steps }, (_, index) => ({ index, offeredRate: Math.round(o.startRate * o.factor ** index), holdMs: o.holdMs }));
}

/** One observation of a pipeline during a step. */
export interface PipelineSample {
  at: number;
  lag: number;
  /** Σ offsets processed so far. */
  processed: number;
  freshnessMs?: number;
}

export interface ContainerLoad {
  name: string;
  /** CPU used, in cores, and the container's limit in cores (undefined: no limit). */
  cpuCores: number;
  cpuLimitCores?: number;
  memoryBytes: number;
  memoryLimitBytes?: number;
  /** The pipeline the container runs, when it runs one. */
  pipeline?: string;
}

export interface StepMeasurement {
  step: SweepStep;
  /** What the generator really sent per second over the step. */
  generatorRate: number;
  pipelines: Record<string, PipelineSample[]>;
  containers: ContainerLoad[];
  /** Lambda: batch cycle durations in the step, against the cycle interval (ms). */
  batchCycles?: { durationsMs: number[]; intervalMs: number };
  /** The machine's cores: containers without a CPU limit share them. */
  machineCores?: number;
  /** The machine's mean 1-minute load average over the step. */
  machineLoad?: number;
}

export interface PipelineStepResult {
  pipeline: string;
  /** Events/s processed over the step (from the processed offsets). */
  throughput: number;
  /** Lag growth, messages per second (least squares over the samples). */
  lagSlope: number;
  freshnessP50?: number;
  freshnessP95?: number;
  choking: boolean;
}

/** Least-squares slope of y over x (per second, x in ms); 0 with fewer than two distinct times. */
export function slopePerSecond(points: readonly [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  if (sxx === 0) return 0;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return (sxy / sxx) * 1000;
}

/**
 * A pipeline chokes at a step when its lag grows by more than a tenth of the offered rate per second (it cannot
 * keep up and would fall behind without bound) or its p95 freshness passes the limit.
 */
export function analyzeStep(measurement: StepMeasurement, freshnessLimitMs: number): PipelineStepResult[] {
  return Object.entries(measurement.pipelines).map(([pipeline, samples]) => {
    const first = samples[0];
    const last = samples[samples.length - 1];
    const seconds = first && last && last.at > first.at ? (last.at - first.at) / 1000 : 0;
    const throughput = seconds > 0 ? (last.processed - first.processed) / seconds : 0;
    const lagSlope = slopePerSecond(samples.map((s) => [s.at, s.lag]));
    const freshness = samples.flatMap((s) => (s.freshnessMs === undefined ? [] : [s.freshnessMs]));
    const freshnessP95 = percentile(freshness, 95) ?? undefined;
    const choking = lagSlope > 0.1 * measurement.step.offeredRate || (freshnessP95 !== undefined && freshnessP95 > freshnessLimitMs);
    return { pipeline, throughput, lagSlope, freshnessP50: percentile(freshness, 50) ?? undefined, freshnessP95, choking };
  });
}

/** Why a pipeline chokes, from what the step measured: the first limit that was reached. */
export function chokeReason(measurement: StepMeasurement, pipeline: string): string {
  if (measurement.generatorRate < 0.9 * measurement.step.offeredRate) {
    return `the generator sent ${Math.round(measurement.generatorRate)} of ${measurement.step.offeredRate} events/s: it is the limit, not the pipeline`;
  }
  const atCpu = measurement.containers.filter((c) => c.cpuLimitCores !== undefined && c.cpuCores >= 0.9 * c.cpuLimitCores);
  const atMemory = measurement.containers.filter((c) => c.memoryLimitBytes !== undefined && c.memoryBytes >= 0.9 * c.memoryLimitBytes);
  const own = (c: ContainerLoad) => (c.pipeline === pipeline ? 0 : 1);
  const cpu = [...atCpu].sort((a, b) => own(a) - own(b))[0];
  if (cpu) return `${cpu.name} is at its CPU limit (${cpu.cpuCores.toFixed(2)} of ${cpu.cpuLimitCores} cores)`;
  const memory = [...atMemory].sort((a, b) => own(a) - own(b))[0];
  if (memory)
    return `${memory.name} is at its memory limit (${Math.round(memory.memoryBytes / 2 ** 20)} of ${Math.round((memory.memoryLimitBytes ?? 0) / 2 ** 20)} MiB)`;
  const used = measurement.containers.reduce((a, c) => a + c.cpuCores, 0);
  if (measurement.machineCores !== undefined && used >= 0.85 * measurement.machineCores) {
    const top = [...measurement.containers].sort((a, b) => b.cpuCores - a.cpuCores).slice(0, 2);
    return `the machine's ${measurement.machineCores} cores are busy (${used.toFixed(2)} used by the containers; most by ${top.map((c) => `${c.name} ${c.cpuCores.toFixed(2)}`).join(', ')})`;
  }
  if (measurement.machineCores !== undefined && measurement.machineLoad !== undefined && measurement.machineLoad >= measurement.machineCores) {
    return `the machine is saturated: load average ${measurement.machineLoad.toFixed(1)} on ${measurement.machineCores} cores (the generator, the editor and the containers share them)`;
  }
  const cycles = measurement.batchCycles;
  const longest = cycles && Math.max(0, ...cycles.durationsMs);
  if (cycles && longest !== undefined && longest > cycles.intervalMs)
    return `a batch cycle took ${Math.round(longest / 1000)} s, longer than its ${Math.round(cycles.intervalMs / 1000)} s interval`;
  const busiest = [...measurement.containers].sort((a, b) => b.cpuCores - a.cpuCores)[0];
  return busiest
    ? `no container at a limit; the busiest is ${busiest.name} (${busiest.cpuCores.toFixed(2)} cores): the machine's cores are shared`
    : 'no container was measured';
}

export interface ChokePoint {
  pipeline: string;
  step: SweepStep;
  reason: string;
}

/** Per pipeline, the first step where it chokes (none: it kept up at every step). */
export function chokePoints(measurements: readonly StepMeasurement[], freshnessLimitMs: number): ChokePoint[] {
  const found = new Map<string, ChokePoint>();
  for (const measurement of measurements) {
    for (const result of analyzeStep(measurement, freshnessLimitMs)) {
      if (result.choking && !found.has(result.pipeline))
        found.set(result.pipeline, { pipeline: result.pipeline, step: measurement.step, reason: chokeReason(measurement, result.pipeline) });
    }
  }
  return [...found.values()];
}
