// The data generator as a service: one worker per target cluster (each running lab stack gets the same seeded
// events), off the caller's thread. Its truth goes to the truth service, which keeps it durable and exact. No
// vscode: the status bar, the commands and the CLI watch onDidChange and show what they need.
import { defaultRunId } from '../../core/eventSource';
import { Emitter } from '../../core/emitter';
import { UserFacingError } from '../../core/errors';
import { formatCount } from '../../core/format';
import type { Logger } from '../../core/logger';
import type { ClusterRef } from '../connections';
import type { TruthService } from '../truth';
import { GeneratorController } from './controller';
import type { FinalStatus, GeneratorStatus } from './protocol';

export interface GeneratorRunOptions {
  eventsPerSecond: number;
  seed: number;
  /** Stop after this many events (default: until stopped). */
  maxEvents?: number;
}

export interface GeneratorServiceOptions {
  /** The worker script: dist/generatorWorker.js in the extension. */
  workerPath: string;
  /** Where to send events: the running stacks' brokers, or the configured cluster. */
  clusters: () => Promise<ClusterRef[]>;
  truth: TruthService;
  log: Logger;
}

export interface GeneratorRun {
  cluster: ClusterRef;
  status: GeneratorStatus;
}

export class GeneratorService {
  private readonly runs = new Map<string, { cluster: ClusterRef; controller: GeneratorController; subscription: { dispose(): void } }>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.on.bind(this.changed);

  constructor(private readonly options: GeneratorServiceOptions) {}

  get running(): boolean {
    return [...this.runs.values()].some((r) => r.controller.active);
  }

  /** The runs of the current start, per cluster (truth: what this run got acknowledged). */
  statuses(): GeneratorRun[] {
    return [...this.runs.values()].map((r) => ({ cluster: r.cluster, status: r.controller.status() }));
  }

  /** The live statuses of the runs (empty when stopped). */
  live(): GeneratorStatus[] {
    return [...this.runs.values()].map((r) => r.controller.status());
  }

  /** Starts producing to every target cluster. Returns false when it was already running (nothing done). */
  async start(run: GeneratorRunOptions): Promise<boolean> {
    if (this.running) return false;
    const targets = await this.options.clusters();
    if (targets.length === 0) {
      throw new UserFacingError('No Kafka to send events to: start a lab stack, or set archlab.kafka.bootstrapServers.', {
        actions: [
          { title: 'Start Kappa', command: 'archlab.startKappa' },
          { title: 'Configure Connection', command: 'archlab.configureConnections' },
        ],
      });
    }
    for (const stale of this.runs.values()) stale.subscription.dispose();
    this.runs.clear();
    const runId = defaultRunId(run.seed, Date.now());
    for (const cluster of targets) {
      // Everything already in the topic is accounted for, and the run id stored, before the first event.
      await this.options.truth.beginRun(cluster, runId);
      const controller = new GeneratorController({
        workerPath: this.options.workerPath,
        logger: (e) => this.options.log.debug(`generator kafka ${e.level}: ${e.message}`),
      });
      const subscription = controller.onStatus((status) => {
        this.options.truth.progress(cluster, status);
        this.changed.fire();
      });
      this.runs.set(cluster.id, { cluster, controller, subscription });
      try {
        await controller.start({
          brokers: cluster.servers,
          eventsPerSecond: run.eventsPerSecond,
          seed: run.seed,
          maxEvents: run.maxEvents,
          runId,
          clientId: 'archlab-generator',
        });
        const rate = run.eventsPerSecond === 0 ? 'maximum rate' : `${run.eventsPerSecond} events/s`;
        this.options.log.info(`generator: producing to ${cluster.label} (${cluster.servers.join(',')}) at ${rate}, seed ${run.seed}, run ${runId}`);
      } catch (error) {
        subscription.dispose();
        this.runs.delete(cluster.id);
        await this.options.truth.endRun(cluster, controller.status()).catch(() => undefined);
        await controller.dispose();
        throw error;
      }
    }
    this.changed.fire();
    return true;
  }

  setRate(eventsPerSecond: number): void {
    for (const { controller } of this.runs.values()) controller.setRate(eventsPerSecond);
    this.options.log.info(`generator: rate set to ${eventsPerSecond === 0 ? 'maximum' : `${eventsPerSecond} events/s`}`);
    this.changed.fire();
  }

  /** Resumes the paused runs; returns how many there were. */
  resume(): number {
    let resumed = 0;
    for (const { controller } of this.runs.values()) {
      if (controller.status().state === 'paused') {
        controller.resume();
        resumed++;
      }
    }
    return resumed;
  }

  /** Stops every run; returns their final statuses ([] when nothing ran). The truth is settled and stored first. */
  async stop(): Promise<{ cluster: ClusterRef; final: FinalStatus }[]> {
    if (this.runs.size === 0) return [];
    if (this.runs.size > 1) await this.finishTogether();
    const finals = await Promise.all(
      [...this.runs.values()].map(async ({ cluster, controller, subscription }) => {
        const final = await controller.stop();
        subscription.dispose();
        await this.options.truth
          .endRun(cluster, final)
          .catch((error: unknown) => this.options.log.warn(`generator: the truth of ${cluster.label} was not stored: ${String(error)}`));
        await controller.dispose();
        return { cluster, final };
      }),
    );
    this.runs.clear();
    this.changed.fire();
    this.options.log.info(`generator stopped: ${summarize(finals)}`);
    return finals;
  }

  private async finishTogether(): Promise<void> {
    const target = await finishTogether([...this.runs.values()].map((r) => r.controller));
    this.options.log.info(`generator: every run stopped at event ${formatCount(target)}`);
  }

  async dispose(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    this.changed.clear();
    await Promise.all(
      runs.map(async ({ cluster, controller, subscription }) => {
        subscription.dispose();
        const final = await controller.stop().catch(() => undefined);
        if (final) await this.options.truth.endRun(cluster, final).catch(() => undefined);
        await controller.dispose();
      }),
    );
  }
}

/**
 * Several runs (one per stack) send the same events, from one seed: they stop at the same event, so that both
 * stacks' topics hold the same events and both architectures answer the same question. Each run first stops
 * generating, then the ones behind catch up with the one furthest ahead. Returns that event count.
 */
export async function finishTogether(controllers: GeneratorController[]): Promise<number> {
  const generated = await Promise.all(controllers.map((c) => c.hold()));
  const target = Math.max(...generated);
  await Promise.all(controllers.map((c) => c.finishAt(target)));
  return target;
}

/** "Lambda: 12,345 events acknowledged (1,000/s on average); Kappa: …" */
export function summarize(finals: { cluster: ClusterRef; final: FinalStatus }[]): string {
  return finals
    .map(({ cluster, final }) => `${cluster.label}: ${formatCount(final.acked)} events acknowledged (${Math.round(final.averageRate)}/s on average)`)
    .join('; ');
}
