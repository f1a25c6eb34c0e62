// Runs the scale experiment on the running kappa stack: per setting, stop the Spark jobs, send the backlog, start
// the jobs again with the setting's compose variables (compose recreates the workers when they change), and sample
// what the comparison shows until the stream is exact again. The lab is left with the memory profile's settings.
import * as os from 'node:os';
import { compare, type Pipeline } from '../../core/comparison';
import { UserFacingError } from '../../core/errors';
import { DEFAULT_SCALE, scaleEnv, validateScale, type ScaleOptions } from '../../core/experiments/scale';
import {
  analyzeScaleRun,
  compareScale,
  type ScaleLoadSample,
  type ScalePipelineResult,
  type ScaleResult,
  type ScaleSettingRun,
} from '../../core/experiments/scaleResult';
import { formatCount, formatDuration } from '../../core/format';
import type { Logger } from '../../core/logger';
import type { ArchlabSettings } from '../../core/settings';
import { sleep } from '../../core/sleep';
import { memoryEnv, STACKS, type StackName } from '../../core/stacks';
import type { DockerAccess } from '../../clients/docker/dockerAccess';
import type { LabComparisonFeed } from '../comparisonFeed';
import type { ContainersModel } from '../containers';
import type { GeneratorService } from '../generator/generatorService';
import type { JobsService } from '../jobs';
import type { StackService } from '../stacks';
import { labContainerLoads, machine } from './labMeasurements';

export interface ScaleRunOptions extends Partial<ScaleOptions> {
  seed?: number;
  /** Time between progress samples (ms); the containers' loads are read alongside, as fast as Docker answers. */
  sampleEveryMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number) => void;
}

export interface ScaleRunnerDeps {
  generator: GeneratorService;
  feed: LabComparisonFeed;
  containers: ContainersModel;
  docker: DockerAccess;
  stacks: StackService;
  jobs: JobsService;
  settings: () => ArchlabSettings;
  log: Logger;
}

const STACK: StackName = 'kappa';
const PIPELINE: Pipeline = 'kappa';
/** The Spark standalone jobs of the stack's pipeline (the replay is on demand and not running). */
const sparkJobs = () => STACKS[STACK].jobs.filter((j) => j.cluster === 'spark' && j.profile === 'jobs');

export class ScaleRunner {
  constructor(private readonly deps: ScaleRunnerDeps) {}

  async run(options: ScaleRunOptions = {}): Promise<ScaleResult> {
    const settings: ScaleOptions = {
      settings: options.settings ?? DEFAULT_SCALE.settings,
      backlogEvents: options.backlogEvents ?? DEFAULT_SCALE.backlogEvents,
      timeoutMs: options.timeoutMs ?? DEFAULT_SCALE.timeoutMs,
    };
    try {
      validateScale(settings);
    } catch (error) {
      throw new UserFacingError(`Scale experiment: ${(error as Error).message}.`);
    }
    const { generator, feed, containers, stacks, jobs, log } = this.deps;
    const say = options.onProgress ?? (() => undefined);
    if (generator.running) throw new UserFacingError('The data generator is running: stop it first, so the experiment controls the backlog alone.');
    await containers.ensureStarted();
    const first = await feed.snapshot();
    if (!first.stacks[STACK] || !first.views[PIPELINE]) {
      throw new UserFacingError('The scale experiment varies the kappa stream’s Spark settings: start Kappa with its jobs first (Archlab: Start Kappa).');
    }
    const seed = options.seed ?? 42;
    const started = machine();
    const startedAt = Date.now();
    const runs: ScaleSettingRun[] = [];
    const results: ScalePipelineResult[][] = [];
    const base = memoryEnv(STACK, this.deps.settings().memoryProfile);
    let complete = false;
    log.info(`scale: ${settings.settings.length} settings, ${formatCount(settings.backlogEvents)} events each, on ${STACK}`);
    try {
      for (const [i, setting] of settings.settings.entries()) {
        if (options.signal?.aborted) break;
        const step = (message: string) => say(`Setting ${i + 1} of ${settings.settings.length} (${setting.label}): ${message}`, i / settings.settings.length);
        step('stopping the Spark jobs');
        await jobs.stop(STACK, sparkJobs());
        step(`sending ${formatCount(settings.backlogEvents)} events`);
        await this.sendBacklog(settings.backlogEvents, seed + i, options.signal);
        if (options.signal?.aborted) break;
        const before = await feed.snapshot();
        const target = this.truthTotal(before);
        stacks.setExperimentEnv(STACK, scaleEnv(setting, base));
        step('starting the jobs with the setting');
        const measured = await this.measure(setting, target, this.counted(before), settings.timeoutMs, options);
        runs.push(measured);
        results.push(analyzeScaleRun(measured));
        const result = results[results.length - 1][0];
        log.info(
          `scale: ${setting.label}: ${result?.caughtUp ? `exact after ${formatDuration(result.timeToExactMs)}, ${Math.round(result.throughput ?? 0)} events/s` : 'not caught up'}`,
        );
      }
      complete = runs.length === settings.settings.length && !options.signal?.aborted;
    } finally {
      stacks.setExperimentEnv(STACK, undefined);
      say('Putting the memory profile’s Spark settings back');
      // Always: an interrupted setting may have left the jobs stopped or on its workers.
      await stacks
        .startServices(STACK, ['spark-worker', ...sparkJobs().map((j) => j.service)])
        .catch((error: unknown) => log.warn(`scale: restarting the kappa jobs: ${(error as Error).message}`));
    }
    const result: ScaleResult = {
      experiment: 'scale',
      formatVersion: 1,
      options: settings,
      seed,
      startedAt,
      finishedAt: Date.now(),
      complete,
      machine: { ...started, loadAtEnd: os.loadavg()[0] },
      stacks: [STACK],
      runs,
      results,
      comparisons: compareScale(
        runs.map((r) => r.setting),
        results,
        started.cores,
      ),
    };
    for (const c of result.comparisons) log.info(`scale: ${runs[c.setting].setting.label}: ${c.verdict}: ${c.reason}`);
    return result;
  }

  /** Starts the jobs (their setting already in the compose variables) and samples until exact or the timeout. */
  private async measure(
    setting: ScaleSettingRun['setting'],
    target: number,
    counted: number,
    timeoutMs: number,
    options: ScaleRunOptions,
  ): Promise<ScaleSettingRun> {
    const loads: ScaleLoadSample[] = [];
    let sampling = true;
    const loadLoop = (async () => {
      while (sampling) {
        const at = Date.now();
        loads.push({ at, containers: await labContainerLoads(this.deps) });
        await sleep(Math.max(0, 1000 - (Date.now() - at)));
      }
    })();
    const run: ScaleSettingRun = { setting, startedAt: Date.now(), jobsUpAt: 0, target, before: { [PIPELINE]: counted }, progress: [], loads, finishedAt: 0 };
    try {
      // The workers are named too: compose recreates them (and scales their replicas) when the setting changes them.
      await this.deps.stacks.startServices(STACK, ['spark-worker', ...sparkJobs().map((j) => j.service)], { signal: options.signal });
      run.jobsUpAt = Date.now();
      const end = run.startedAt + timeoutMs;
      while (Date.now() < end && !options.signal?.aborted) {
        const tick = Date.now();
        const snapshot = await this.deps.feed.snapshot();
        const processed = snapshot.views[PIPELINE] ? this.counted(snapshot) : undefined;
        run.progress.push({ at: snapshot.at, processed: processed === undefined ? {} : { [PIPELINE]: processed }, load: os.loadavg()[0] });
        if (processed !== undefined && processed >= target) break;
        await sleep(Math.max(0, (options.sampleEveryMs ?? 500) - (Date.now() - tick)), options.signal);
      }
    } finally {
      sampling = false;
      await loadLoop;
      run.finishedAt = Date.now();
    }
    return run;
  }

  private counted(snapshot: Awaited<ReturnType<LabComparisonFeed['snapshot']>>): number {
    return compare(snapshot).totals[PIPELINE].total ?? 0;
  }

  private truthTotal(snapshot: Awaited<ReturnType<LabComparisonFeed['snapshot']>>): number {
    // The stream's own truth (per stack): its count minus its signed difference.
    const { total: counted, difference } = compare(snapshot).totals[PIPELINE];
    const total = counted === null || difference === null ? null : counted - difference;
    if (total === null) throw new UserFacingError('The truth of the kappa stack is unknown: the experiment cannot tell when the stream is exact.');
    return total;
  }

  private async sendBacklog(events: number, seed: number, signal?: AbortSignal): Promise<void> {
    const { generator } = this.deps;
    await generator.start({ eventsPerSecond: 0, maxEvents: events, seed });
    try {
      for (;;) {
        const statuses = generator.statuses().map((s) => s.status);
        const failed = statuses.find((s) => s.state === 'failed' || s.state === 'paused');
        if (failed)
          throw new UserFacingError(`The generator stopped while sending the backlog (${failed.state}): ${failed.lastError?.message ?? 'see the log'}.`);
        if (statuses.every((s) => s.state === 'done') || signal?.aborted) return;
        await sleep(250, signal);
      }
    } finally {
      await generator.stop();
    }
  }
}
