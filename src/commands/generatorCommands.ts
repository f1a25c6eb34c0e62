import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import { MAX_EVENTS_PER_SECOND } from '../core/settings';
import type { FinalStatus, GeneratorStatus } from '../generator/protocol';
import { GeneratorController } from '../generator/generatorController';
import type { ClusterRef } from '../models/stackEndpoints';
import { formatCount } from '../views/topics/rateTracker';
import { readSettings } from './settingsProblems';

/**
 * The data generator: one worker per target cluster (each running lab stack gets the same seeded events,
 * so their truths are identical). Runs off the extension host thread; the status bar shows the rate.
 */
export class GeneratorService implements vscode.Disposable {
  private readonly runs = new Map<string, { cluster: ClusterRef; controller: GeneratorController; subscription: { dispose(): void } }>();
  /** One controller per cluster for the session: its truth adds up every run into the topic (the views count the whole topic). */
  private readonly controllers = new Map<string, GeneratorController>();
  /** The last stopped runs: their truth stays the answer until the next start. */
  private finished: { cluster: ClusterRef; status: GeneratorStatus }[] = [];
  private lastPublished = 0;
  private readonly statusBar = vscode.window.createStatusBarItem('archlab.generator', vscode.StatusBarAlignment.Left, 49);
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly workerPath: string,
    private readonly clusters: () => Promise<ClusterRef[]>,
    private readonly log: vscode.LogOutputChannel,
    /** Writes the truth where dashboards read it (view_counts 'truth'); failures are only logged. */
    private readonly publishTruth: (cluster: ClusterRef, truth: Record<string, number>) => Promise<void> = async () => undefined,
  ) {
    this.statusBar.name = 'Archlab data generator';
    this.statusBar.command = 'archlab.generatorMenu';
  }

  /** Status per cluster, e.g. for the comparison panel (truth = per-snack counts Kafka acknowledged). */
  statuses(): { cluster: ClusterRef; status: GeneratorStatus }[] {
    const withTopicTruth = ({ cluster, status }: { cluster: ClusterRef; status: GeneratorStatus }) => {
      const controller = this.controllers.get(cluster.id);
      return { cluster, status: controller ? { ...status, truth: controller.truthOf(status.brokers, status.topic) } : status };
    };
    if (this.runs.size === 0) return this.finished.map(withTopicTruth);
    return [...this.runs.values()].map((r) => withTopicTruth({ cluster: r.cluster, status: r.controller.status() }));
  }

  /** Forgets the recorded truth (the lab data was deleted, so the topic starts empty again). */
  forgetTruth(): void {
    for (const controller of this.controllers.values()) controller.dispose();
    this.controllers.clear();
    this.finished = [];
  }

  get running(): boolean {
    return [...this.runs.values()].some((r) => r.controller.active);
  }

  async start(): Promise<void> {
    if (this.running) {
      void vscode.window.showInformationMessage('Archlab: the data generator is already running. Use "Archlab: Set Generator Rate" to change its rate.');
      return;
    }
    const targets = await this.clusters();
    if (targets.length === 0) {
      throw new UserFacingError('No Kafka to send events to: start a lab stack, or set archlab.kafka.bootstrapServers.', {
        actions: [
          { title: 'Start Kappa', command: 'archlab.startKappa' },
          { title: 'Configure Connection', command: 'archlab.configureConnections' },
        ],
      });
    }
    const { generatorEventsPerSecond: rate, generatorSeed: seed } = readSettings().settings;
    this.finished = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the data generator' }, async () => {
      for (const cluster of targets) {
        let controller = this.controllers.get(cluster.id);
        if (!controller) {
          controller = new GeneratorController({ workerPath: this.workerPath, logger: (e) => this.log.debug(`generator kafka ${e.level}: ${e.message}`) });
          this.controllers.set(cluster.id, controller);
        }
        const subscription = controller.onStatus(() => this.update());
        this.runs.set(cluster.id, { cluster, controller, subscription });
        try {
          await controller.start({ brokers: cluster.servers, eventsPerSecond: rate, seed, clientId: 'archlab-generator' });
          this.log.info(
            `generator: producing to ${cluster.label} (${cluster.servers.join(',')}) at ${rate === 0 ? 'maximum rate' : `${rate} events/s`}, seed ${seed}`,
          );
        } catch (error) {
          subscription.dispose();
          this.runs.delete(cluster.id);
          await controller.stop().catch(() => undefined);
          throw error;
        }
      }
    });
    this.update();
  }

  setRate(eventsPerSecond: number): void {
    for (const { controller } of this.runs.values()) controller.setRate(eventsPerSecond);
    this.log.info(`generator: rate set to ${eventsPerSecond === 0 ? 'maximum' : `${eventsPerSecond} events/s`}`);
    this.update();
  }

  resume(): void {
    for (const { controller } of this.runs.values()) if (controller.status().state === 'paused') controller.resume();
  }

  /** Stops every run; returns their final statuses (also the command's result, for tests and other extensions). */
  async stop(): Promise<FinalStatus[]> {
    if (this.runs.size === 0) {
      void vscode.window.showInformationMessage('Archlab: the data generator is not running.');
      return [];
    }
    const finals = await Promise.all(
      [...this.runs.values()].map(async ({ cluster, controller, subscription }) => {
        const final = await controller.stop();
        subscription.dispose();
        return { cluster, final };
      }),
    );
    this.runs.clear();
    this.finished = finals.map(({ cluster, final }) => ({ cluster, status: final }));
    await Promise.all(this.statuses().map(({ cluster, status }) => this.publish(cluster, status.truth)));
    this.update();
    const summary = finals
      .map(({ cluster, final }) => `${cluster.label}: ${formatCount(final.acked)} events acknowledged (${Math.round(final.averageRate)}/s on average)`)
      .join('; ');
    this.log.info(`generator stopped: ${summary}`);
    void vscode.window.showInformationMessage(`Archlab: data generator stopped. ${summary}.`);
    return finals.map((f) => f.final);
  }

  private async publish(cluster: ClusterRef, truth: Record<string, number>): Promise<void> {
    try {
      await this.publishTruth(cluster, truth);
    } catch (error) {
      this.log.debug(`generator: truth not written to ${cluster.label}'s Cassandra: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private update(): void {
    if (this.runs.size > 0 && Date.now() - this.lastPublished > 2000) {
      this.lastPublished = Date.now();
      for (const { cluster, status } of this.statuses()) void this.publish(cluster, status.truth);
    }
    const statuses = [...this.runs.values()].map((r) => r.controller.status());
    if (statuses.length === 0) {
      this.statusBar.hide();
    } else {
      const paused = statuses.find((s) => s.state === 'paused' || s.state === 'failed');
      const rate = statuses.reduce((sum, s) => sum + s.measuredRate, 0) / statuses.length;
      const acked = statuses.reduce((sum, s) => sum + s.acked, 0) / statuses.length;
      this.statusBar.text = paused
        ? `$(warning) Generator ${paused.state}`
        : `$(pulse) ${formatCount(Math.round(rate))} ev/s · ${formatCount(Math.round(acked))}`;
      this.statusBar.tooltip = paused?.lastError
        ? `Generator ${paused.state}: ${paused.lastError.message}\nClick for actions.`
        : `Data generator: ${statuses.map((s) => `${s.state}, target ${s.targetRate === 0 ? 'max' : s.targetRate}/s, ${formatCount(s.acked)} acknowledged`).join('; ')}. Click for actions.`;
      this.statusBar.backgroundColor = paused ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.statusBar.show();
    }
    this.changed.fire();
  }

  dispose(): void {
    for (const { subscription } of this.runs.values()) subscription.dispose();
    for (const controller of this.controllers.values())
      void controller
        .stop()
        .catch(() => undefined)
        .finally(() => controller.dispose());
    this.runs.clear();
    this.controllers.clear();
    this.statusBar.dispose();
    this.changed.dispose();
  }
}

export function generatorCommands(service: GeneratorService): Record<string, () => Promise<unknown>> {
  const setRate = async () => {
    const value = await vscode.window.showInputBox({
      title: 'Generator rate',
      prompt: `Events per second (1–${MAX_EVENTS_PER_SECOND}; 0 = as fast as possible)`,
      value: String(readSettings().settings.generatorEventsPerSecond),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= MAX_EVENTS_PER_SECOND ? undefined : `A whole number from 0 to ${MAX_EVENTS_PER_SECOND}`),
    });
    if (value !== undefined) service.setRate(Number(value));
  };
  return {
    'archlab.startGenerator': () => service.start(),
    'archlab.stopGenerator': () => service.stop(),
    'archlab.setGeneratorRate': setRate,
    'archlab.resumeGenerator': async () => service.resume(),
    'archlab.generatorMenu': async () => {
      const items = [
        { label: '$(dashboard) Set Rate…', run: setRate },
        { label: '$(debug-continue) Resume', run: async () => service.resume() },
        { label: '$(debug-stop) Stop', run: () => service.stop() },
        {
          label: '$(graph) Open Comparison',
          run: async () => {
            await vscode.commands.executeCommand('archlab.openComparison');
          },
        },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Archlab data generator' });
      await picked?.run();
    },
  };
}
