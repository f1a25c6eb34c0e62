// What a rate sweep run records (the raw series, one sample every couple of seconds) and what is derived from it:
// per step the measurement the choke analysis reads, per pipeline the step's figures, and the choke points. The
// report and its plots are computed from this record only, so every figure can be checked against the series.
import type { Pipeline } from '../comparison';
import type { StackName } from '../stacks';
import {
  analyzeStep,
  chokePoints,
  type ChokePoint,
  type ContainerLoad,
  type PipelineSample,
  type PipelineStepResult,
  type RateSweepOptions,
  type StepMeasurement,
  type SweepStep,
} from './rateSweep';

export interface SweepSample {
  /** ms since the epoch. */
  at: number;
  /** The plan step this sample was taken in. */
  step: number;
  offeredRate: number;
  /** Σ events the broker acknowledged to the generator so far, over every target cluster. */
  generatorAcked: number;
  /** Σ of the truth (events produced so far), when known. */
  produced: number | null;
  /** Per pipeline: events counted so far, how many produced events it does not reflect yet, and its freshness. */
  pipelines: Partial<Record<Pipeline, { processed: number; lag: number; freshnessMs?: number }>>;
  containers: ContainerLoad[];
  /** The machine's 1-minute load average when the sample was taken. */
  load?: number;
}

export interface MachineInfo {
  cores: number;
  memoryBytes: number;
  /** 1-minute load average when the run started and when it ended. */
  loadAtStart: number;
  loadAtEnd: number;
  platform: string;
}

export interface SweepStepResult {
  step: SweepStep;
  /** Events/s the generator really got acknowledged over the step. */
  generatorRate: number;
  pipelines: PipelineStepResult[];
}

export interface RateSweepResult {
  experiment: 'rate-sweep';
  formatVersion: 1;
  options: RateSweepOptions;
  seed: number;
  startedAt: number;
  finishedAt: number;
  /** False when the run was cancelled or failed before its last step ended. */
  complete: boolean;
  machine: MachineInfo;
  stacks: StackName[];
  samples: SweepSample[];
  steps: SweepStepResult[];
  chokePoints: ChokePoint[];
  /** Pipelines that kept up at every step of the run. */
  keptUp: Pipeline[];
}

/**
 * The samples of a step that the analysis reads: the first quarter of a step is left out, because lag and
 * freshness move to the new rate's level there (a backlog the size of rate × latency builds once, then stays).
 */
export const SETTLE_FRACTION = 0.25;

function settled(samples: readonly SweepSample[]): SweepSample[] {
  if (samples.length < 4) return [...samples];
  return samples.slice(Math.floor(samples.length * SETTLE_FRACTION));
}

function meanLoads(samples: readonly SweepSample[]): ContainerLoad[] {
  const byName = new Map<string, { load: ContainerLoad; cpu: number; n: number }>();
  for (const sample of samples) {
    for (const c of sample.containers) {
      const entry = byName.get(c.name) ?? { load: { ...c, cpuCores: 0, memoryBytes: 0 }, cpu: 0, n: 0 };
      entry.cpu += c.cpuCores;
      entry.n += 1;
      entry.load.memoryBytes = Math.max(entry.load.memoryBytes, c.memoryBytes);
      byName.set(c.name, entry);
    }
  }
  return [...byName.values()].map(({ load, cpu, n }) => ({ ...load, cpuCores: cpu / n }));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The step's measurement from its settled samples: generator rate, pipeline samples, mean CPU and peak memory. */
export function measurementOf(step: SweepStep, samples: readonly SweepSample[], machineCores?: number): StepMeasurement {
  const mine = settled(samples.filter((s) => s.step === step.index));
  const first = mine[0];
  const last = mine[mine.length - 1];
  const seconds = first && last ? (last.at - first.at) / 1000 : 0;
  const pipelines: Record<string, PipelineSample[]> = {};
  for (const sample of mine) {
    for (const [pipeline, figures] of Object.entries(sample.pipelines)) {
      if (!figures) continue;
      (pipelines[pipeline] ??= []).push({ at: sample.at, lag: figures.lag, processed: figures.processed, freshnessMs: figures.freshnessMs });
    }
  }
  return {
    step,
    generatorRate: seconds > 0 ? (last.generatorAcked - first.generatorAcked) / seconds : 0,
    pipelines,
    containers: meanLoads(mine),
    machineCores,
    machineLoad: mine.some((s) => s.load !== undefined) ? mean(mine.flatMap((s) => (s.load === undefined ? [] : [s.load]))) : undefined,
  };
}

/** Steps, choke points and the pipelines that kept up, all from the samples. */
export function summarizeSweep(
  plan: readonly SweepStep[],
  samples: readonly SweepSample[],
  options: RateSweepOptions,
  machineCores?: number,
): Pick<RateSweepResult, 'steps' | 'chokePoints' | 'keptUp'> {
  const measured = plan.filter((step) => samples.some((s) => s.step === step.index)).map((step) => measurementOf(step, samples, machineCores));
  const steps = measured.map((m) => ({ step: m.step, generatorRate: m.generatorRate, pipelines: analyzeStep(m, options.freshnessLimitMs) }));
  const chokes = chokePoints(measured, options.freshnessLimitMs);
  const seen = new Set(steps.flatMap((s) => s.pipelines.map((p) => p.pipeline)));
  const keptUp = [...seen].filter((p) => !chokes.some((c) => c.pipeline === p)) as Pipeline[];
  return { steps, chokePoints: chokes, keptUp };
}
