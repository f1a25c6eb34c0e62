// Runs a rate sweep on the running lab stacks: the generator offers each step's rate for the step's hold, and
// every couple of seconds the runner samples what the user sees in the comparison (each pipeline's counts, so its
// lag and freshness) and what every lab container uses (CPU, memory). The record is analysed by src/core.
import * as os from 'node:os';
import { COMPLETE_PIPELINES } from '../../core/comparison';
import { SeriesStore } from '../../core/comparisonSeries';
import { UserFacingError } from '../../core/errors';
import { DEFAULT_RATE_SWEEP, rateSweepPlan, type RateSweepOptions } from '../../core/experiments/rateSweep';
import { summarizeSweep, type RateSweepResult, type SweepSample } from '../../core/experiments/sweepResult';
import { formatCount, formatDuration } from '../../core/format';
import type { Logger } from '../../core/logger';
import { sleep } from '../../core/sleep';
import { STACK_NAMES } from '../../core/stacks';
import type { DockerAccess } from '../../clients/docker/dockerAccess';
import { labContainerLoads, machine } from './labMeasurements';
import type { LabComparisonFeed } from '../comparisonFeed';
import type { ContainersModel } from '../containers';
import type { GeneratorService } from '../generator/generatorService';

export interface RateSweepRunOptions extends Partial<RateSweepOptions> {
  seed?: number;
  /** Time between samples (ms). */
  sampleEveryMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number) => void;
}

export interface RateSweepRunnerDeps {
  generator: GeneratorService;
  feed: LabComparisonFeed;
  containers: ContainersModel;
  docker: DockerAccess;
  log: Logger;
}

export class RateSweepRunner {
  constructor(private readonly deps: RateSweepRunnerDeps) {}

  async run(options: RateSweepRunOptions = {}): Promise<RateSweepResult> {
    const settings: RateSweepOptions = { ...DEFAULT_RATE_SWEEP, ...definedOnly(options) };
    const plan = rateSweepPlan(settings);
    const { generator, feed, containers, log } = this.deps;
    const say = options.onProgress ?? (() => undefined);
    if (generator.running) throw new UserFacingError('The data generator is running: stop it first, so the sweep controls the offered rate alone.');
    await containers.ensureStarted();
    const first = await feed.snapshot();
    const stacks = STACK_NAMES.filter((s) => first.stacks[s]);
    if (!COMPLETE_PIPELINES.some((p) => first.views[p])) {
      throw new UserFacingError(
        stacks.length === 0
          ? 'No lab stack is running: start Lambda or Kappa with its jobs (or configure a cluster whose jobs run) before a rate sweep.'
          : 'The running stacks have no views yet: start their jobs before a rate sweep.',
      );
    }

    const seed = options.seed ?? 42;
    const started = machine();
    const startedAt = Date.now();
    const samples: SweepSample[] = [];
    const series = new SeriesStore();
    const every = options.sampleEveryMs ?? 2000;
    const total = plan.reduce((a, s) => a + s.holdMs, 0);
    let complete = false;
    log.info(`rate sweep: ${plan.length} steps (${plan.map((s) => s.offeredRate).join(', ')} events/s), ${formatDuration(total)} on ${stacks.join(', ')}`);
    await generator.start({ eventsPerSecond: plan[0].offeredRate, seed });
    try {
      let elapsed = 0;
      for (const step of plan) {
        if (options.signal?.aborted) break;
        if (step.index > 0) generator.setRate(step.offeredRate);
        say(`Step ${step.index + 1} of ${plan.length}: ${formatCount(step.offeredRate)} events/s for ${formatDuration(step.holdMs)}`, elapsed / total);
        const end = Date.now() + step.holdMs;
        while (Date.now() < end && !options.signal?.aborted) {
          const tick = Date.now();
          samples.push(await this.sample(step.index, step.offeredRate, series));
          const failed = generator.live().find((s) => s.state === 'failed' || s.state === 'paused');
          if (failed) throw new UserFacingError(`The generator stopped during the sweep (${failed.state}): ${failed.lastError?.message ?? 'see the log'}.`);
          await sleep(Math.min(every - (Date.now() - tick), end - Date.now()), options.signal);
        }
        elapsed += step.holdMs;
      }
      complete = !options.signal?.aborted;
    } finally {
      await generator.stop();
    }
    const result: RateSweepResult = {
      experiment: 'rate-sweep',
      formatVersion: 1,
      options: settings,
      seed,
      startedAt,
      finishedAt: Date.now(),
      complete,
      machine: { ...started, loadAtEnd: os.loadavg()[0] },
      stacks,
      samples,
      ...summarizeSweep(plan, samples, settings, started.cores),
    };
    for (const c of result.chokePoints) log.info(`rate sweep: ${c.pipeline} chokes at ${c.step.offeredRate} events/s: ${c.reason}`);
    return result;
  }

  private async sample(step: number, offeredRate: number, series: SeriesStore): Promise<SweepSample> {
    const [snapshot, loads] = await Promise.all([this.deps.feed.snapshot(), labContainerLoads(this.deps)]);
    const point = series.add(snapshot);
    const pipelines: SweepSample['pipelines'] = {};
    for (const p of COMPLETE_PIPELINES) {
      const processed = point?.totals[p];
      if (processed === undefined) continue;
      const produced = point?.produced ?? null;
      pipelines[p] = { processed, lag: produced === null ? 0 : Math.max(0, produced - processed), freshnessMs: point?.freshness[p] };
    }
    return {
      at: snapshot.at,
      step,
      offeredRate,
      generatorAcked: this.deps.generator.live().reduce((a, s) => a + s.acked, 0),
      produced: point?.produced ?? null,
      pipelines,
      containers: loads,
      load: os.loadavg()[0],
    };
  }
}

function definedOnly(options: RateSweepRunOptions): Partial<RateSweepOptions> {
  const keys = ['startRate', 'factor', 'steps', 'holdMs', 'freshnessLimitMs'] as const;
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}
