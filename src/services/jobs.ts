// The pipeline jobs of the running stacks as a service: what state each one is in (from its container, its progress
// reports in job_status and the topic's end offsets), and starting, stopping, restarting them, running a batch
// cycle now and replaying kappa. No vscode: the Pipelines view, the commands and the CLI share it.
import type { DockerAccess } from '../clients/docker/dockerAccess';
import { runningYarnApps } from '../clients/yarn';
import type { ContainerSummary } from '../clients/docker/types';
import { UserFacingError } from '../core/errors';
import { judgeJob, type JobVerdict } from '../core/jobState';
import type { Logger } from '../core/logger';
import { sleep } from '../core/sleep';
import { SNACK_TOPIC } from '../core/snacks';
import { STACKS, type StackJob, type StackName } from '../core/stacks';
import type { CassandraConnections, KafkaConnections } from './connections';
import { LabViewsReader, type JobStatusRow } from './labViews';
import type { StackService } from './stacks';

export interface JobSnapshot extends JobVerdict {
  stack: StackName;
  job: StackJob;
  container?: ContainerSummary;
  report?: JobStatusRow;
  /** The topic's end offsets, per partition, when they could be read. */
  ends?: Record<number, number>;
  /** Its Spark driver's web UI, when it runs and has one. */
  sparkUiUrl?: string;
  /** Replay: how far the new version is, 0 … 1 of the served version's offsets. */
  replayProgress?: number;
}

export interface JobsServiceOptions {
  stacks: StackService;
  docker: DockerAccess;
  kafka: KafkaConnections;
  cassandra: CassandraConnections;
  log: Logger;
  now?: () => number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (message: string, fraction?: number) => void;
}

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new UserFacingError('Cancelled.');
}

export class JobsService {
  private readonly previous = new Map<string, JobVerdict>();
  private readonly now: () => number;

  constructor(private readonly options: JobsServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The jobs of a stack's catalog (the replay included). */
  catalog(stack: StackName): StackJob[] {
    return STACKS[stack].jobs;
  }

  jobOf(stack: StackName, id: string): StackJob {
    const job = STACKS[stack].jobs.find((j) => j.id === id || j.service === id);
    if (!job) throw new UserFacingError(`${STACKS[stack].title} has no job "${id}": its jobs are ${STACKS[stack].jobs.map((j) => j.id).join(', ')}.`);
    return job;
  }

  /** Every job of the stack with its state, read now (a few small reads: job_status rows, end offsets, inspect). */
  async snapshot(stack: StackName): Promise<JobSnapshot[]> {
    const containers = this.options.stacks.containersOf(stack);
    const cassandraUp = containers.some((c) => c.service === 'cassandra' && c.state === 'running');
    const kafkaUp = containers.some((c) => c.service === 'kafka' && c.state === 'running');
    const reader = cassandraUp ? new LabViewsReader(this.options.cassandra.client(this.options.cassandra.ofStack(stack))) : undefined;
    const [reports, ends, kappa] = await Promise.all([
      reader
        ? reader.readJobStatuses(STACKS[stack].jobs.map((j) => j.statusJob)).catch(() => new Map<string, JobStatusRow>())
        : new Map<string, JobStatusRow>(),
      kafkaUp ? this.endOffsets(stack).catch(() => undefined) : undefined,
      reader && stack === 'kappa' ? reader.readPointer('kappa').catch(() => undefined) : undefined,
    ]);
    const now = this.now();
    return Promise.all(
      STACKS[stack].jobs.map(async (job): Promise<JobSnapshot> => {
        const container = containers.find((c) => c.service === job.service);
        const report = reports.get(job.statusJob);
        const run = container
          ? await this.options.docker
              .client()
              .inspectState(container.id)
              .catch(() => undefined)
          : undefined;
        const failed = container && container.state !== 'running' && run && run.exitCode !== 0;
        const logTail = failed
          ? await this.options.docker
              .client()
              .tailLogs(container.id, 40)
              .catch(() => [])
          : undefined;
        const key = `${stack}/${job.id}`;
        const verdict = judgeJob({
          container: container && {
            state: container.state,
            startedAt: run?.startedAt,
            exitCode: run?.exitCode,
            oomKilled: run?.oomKilled,
            restartCount: run?.restartCount,
            logTail,
          },
          report: report && { ...report, version: report.version ?? undefined },
          ends,
          now,
          staleAfterMs: job.staleAfterS * 1000,
          follows: job.follows,
          previous: this.previous.get(key),
        });
        this.previous.set(key, verdict);
        const snapshot: JobSnapshot = { ...verdict, stack, job, container, report, ends };
        if (container?.state === 'running' && job.uiPort) snapshot.sparkUiUrl = `http://127.0.0.1:${job.uiPort}/`;
        if (container?.state === 'running' && job.cluster === 'yarn') snapshot.sparkUiUrl = await this.yarnUiUrl(stack, job).catch(() => undefined);
        if (job.id === 'kappa_replay' && report && kappa && report.version !== null && report.version > kappa.version) {
          const served = reports.get('kappa')?.offsets ?? ends ?? {};
          const goal = Object.values(served).reduce((a, b) => a + b, 0);
          const done = Object.values(report.offsets).reduce((a, b) => a + b, 0);
          snapshot.replayProgress = goal > 0 ? Math.min(1, done / goal) : 0;
        }
        return snapshot;
      }),
    );
  }

  /** A YARN job's Spark UI, through the ResourceManager's proxy on 127.0.0.1 (its driver UI redirects there). */
  private async yarnUiUrl(stack: StackName, job: StackJob): Promise<string | undefined> {
    const rest = STACKS[stack].endpoints.yarnRest;
    if (!rest) return undefined;
    const app = (await runningYarnApps(rest)).find((a) => a.name === `archlab-${job.service}`);
    return app ? `${rest.replace(/\/ws\/v1$/, '')}/proxy/${app.id}/` : undefined;
  }

  private async endOffsets(stack: StackName): Promise<Record<number, number>> {
    const details = await this.options.kafka.admin(this.options.kafka.ofStack(stack)).describeTopic(SNACK_TOPIC);
    return Object.fromEntries(details.partitions.map((p) => [p.partition, Number(p.endOffset)]));
  }

  /** The pipeline's jobs (profile "jobs"), not the on-demand replay. */
  pipelineJobs(stack: StackName): StackJob[] {
    return STACKS[stack].jobs.filter((j) => j.profile === 'jobs');
  }

  /** Starts the given jobs (default: the whole pipeline) and waits until their containers are healthy. */
  async start(stack: StackName, jobs: StackJob[] = this.pipelineJobs(stack), options: WaitOptions & { noDeps?: boolean } = {}): Promise<void> {
    await this.options.stacks.startServices(
      stack,
      jobs.map((j) => j.service),
      { signal: options.signal, noDeps: options.noDeps, onProgress: (message) => options.onProgress?.(message) },
    );
    this.options.log.info(`${STACKS[stack].title}: started ${jobs.map((j) => j.title).join(', ')}`);
  }

  /** Stops the given jobs (default: every job, the replay included); their containers and logs stay. */
  async stop(stack: StackName, jobs: StackJob[] = STACKS[stack].jobs, options: WaitOptions = {}): Promise<void> {
    await this.options.stacks.stopServices(
      stack,
      jobs.map((j) => j.service),
      { onProgress: (message) => options.onProgress?.(message) },
    );
    this.options.log.info(`${STACKS[stack].title}: stopped ${jobs.map((j) => j.title).join(', ')}`);
  }

  async restart(stack: StackName, job: StackJob, options: WaitOptions = {}): Promise<void> {
    await this.stop(stack, [job], options);
    await this.start(stack, [job], options);
  }

  /** The container of a job, for its logs. */
  containerOf(stack: StackName, job: StackJob): ContainerSummary {
    const container = this.options.stacks.containersOf(stack).find((c) => c.service === job.service);
    if (!container) throw new UserFacingError(`${job.title} has not run yet: start the jobs first (Archlab: Start Jobs).`);
    return container;
  }

  /** Kills a job's container (SIGKILL): a crash, for the lab's fault experiments. */
  async kill(stack: StackName, job: StackJob): Promise<void> {
    await this.options.docker.client().kill(this.containerOf(stack, job).id, 'SIGKILL');
  }

  /**
   * Runs a lambda batch cycle now: asks the running batch layer (a request row it polls), or runs the one-shot
   * cycle when it is not running. Resolves with the published version once the cycle is done.
   */
  async runBatchCycle(options: WaitOptions = {}): Promise<{ version?: number; published: boolean }> {
    const stack: StackName = 'lambda';
    const batch = this.jobOf(stack, 'batch_layer');
    const container = this.options.stacks.containersOf(stack).find((c) => c.service === batch.service);
    if (!this.options.stacks.containersOf(stack).some((c) => c.service === 'cassandra' && c.state === 'running')) {
      throw new UserFacingError('Lambda is not running: start it first (Archlab: Start Lambda).', {
        actions: [{ title: 'Start Lambda', command: 'archlab.startLambda' }],
      });
    }
    const reader = new LabViewsReader(this.options.cassandra.client(this.options.cassandra.ofStack(stack)));
    if (container?.state !== 'running') {
      options.onProgress?.('The batch layer is not running: running one cycle (batch-once)…');
      await this.options.stacks.runOnce(stack, batch.onDemandService ?? 'batch-once', { signal: options.signal, onProgress: (m) => options.onProgress?.(m) });
      const pointer = await reader.readPointer('batch');
      return { version: pointer?.version, published: pointer !== undefined };
    }
    const requestedAt = await reader.requestJob(batch.statusJob);
    options.onProgress?.('Asked the batch layer for a cycle…');
    const deadline = this.now() + (options.timeoutMs ?? 15 * 60_000);
    while (this.now() < deadline) {
      cancelled(options.signal);
      const report = (await reader.readJobStatuses([batch.statusJob])).get(batch.statusJob);
      const served = typeof report?.detail.request === 'string' ? Date.parse(report.detail.request) : Number(report?.detail.request ?? 0);
      if (report && served >= requestedAt - 1 && (report.state === 'published' || report.state === 'idle')) {
        return { version: report.version ?? undefined, published: report.state === 'published' };
      }
      if (report?.state === 'error') throw new UserFacingError(`The batch cycle failed: ${String(report.detail.error ?? 'see the batch layer logs')}`);
      if (report) options.onProgress?.(`Batch layer: ${report.state}…`);
      await sleep(1000, options.signal);
    }
    throw new UserFacingError('The batch cycle did not finish in time: see the batch layer logs (Pipelines view).');
  }

  /**
   * Replays kappa: a new view version counted from offset 0, switched to once it has caught up with the served
   * one. Resolves with the old and new versions once serving has switched.
   */
  async replayKappa(options: WaitOptions = {}): Promise<{ from: number; to: number }> {
    const stack: StackName = 'kappa';
    if (!this.options.stacks.containersOf(stack).some((c) => c.service === 'cassandra' && c.state === 'running')) {
      throw new UserFacingError('Kappa is not running: start it first (Archlab: Start Kappa).', {
        actions: [{ title: 'Start Kappa', command: 'archlab.startKappa' }],
      });
    }
    const reader = new LabViewsReader(this.options.cassandra.client(this.options.cassandra.ofStack(stack)));
    const before = await reader.readPointer('kappa');
    if (!before) throw new UserFacingError('Kappa serves no version yet: start its jobs first (Archlab: Start Jobs), then replay.');
    const replay = this.jobOf(stack, 'kappa_replay');
    options.onProgress?.(`Starting the replay of version ${before.version + 1} from offset 0…`);
    // --no-deps: the stream being replayed runs, so its dependencies do. Letting compose bring them up again
    // recreated the Spark master and worker once, and the live kappa stream lost its executor for good.
    await this.start(stack, [replay], { ...options, noDeps: true });
    const deadline = this.now() + (options.timeoutMs ?? 30 * 60_000);
    while (this.now() < deadline) {
      cancelled(options.signal);
      const pointer = await reader.readPointer('kappa');
      if (pointer && pointer.version > before.version) return { from: before.version, to: pointer.version };
      const snapshot = (await this.snapshot(stack)).find((s) => s.job.id === 'kappa_replay');
      if (snapshot?.state === 'failed') throw new UserFacingError(`The replay failed: ${snapshot.reason}`);
      const percent = snapshot?.replayProgress === undefined ? undefined : Math.round(snapshot.replayProgress * 100);
      options.onProgress?.(percent === undefined ? 'Replay starting…' : `Replaying: ${percent} % of the served offsets`, snapshot?.replayProgress);
      await sleep(1000, options.signal);
    }
    throw new UserFacingError('The replay did not catch up in time: see its logs (Pipelines view).');
  }

  /** Waits until every job given is running (or behind), failing fast on a failed one. */
  async waitRunning(stack: StackName, jobs: StackJob[], options: WaitOptions = {}): Promise<void> {
    const deadline = this.now() + (options.timeoutMs ?? 10 * 60_000);
    for (;;) {
      cancelled(options.signal);
      const snapshot = (await this.snapshot(stack)).filter((s) => jobs.some((j) => j.id === s.job.id));
      const failed = snapshot.find((s) => s.state === 'failed');
      if (failed) throw new UserFacingError(`${STACKS[stack].title} ${failed.job.title} failed: ${failed.reason}`);
      const waiting = snapshot.filter((s) => s.state !== 'running' && s.state !== 'behind');
      if (waiting.length === 0) return;
      if (this.now() > deadline)
        throw new UserFacingError(
          `${STACKS[stack].title}: ${waiting.map((s) => `${s.job.title} is ${s.state}`).join(', ')} after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s.`,
        );
      options.onProgress?.(`Waiting for ${waiting.map((s) => s.job.title).join(', ')} to run…`);
      await sleep(1000, options.signal);
    }
  }
}
