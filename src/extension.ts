// Composition root: build the services, register views, panels and commands. Nothing else lives here.
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { readSettings, warnAboutSettings } from './commands/settingsProblems';
import type { Comparison, ComparisonFeed } from './core/comparison';
import type { ExperimentView } from './core/experiments/experimentView';
import type { ArchlabSettings, SettingProblem } from './core/settings';
import { registerComparisonPanel } from './panels/comparisonPanel';
import type { ContainersState } from './services/containers';
import type { GeneratorService } from './services/generator/generatorService';
import type { JobsService } from './services/jobs';
import { createLabServices } from './services/labServices';
import { serviceUiUrl } from './services/stacks';
import type { TruthService } from './services/truth';
import { registerViews } from './views/registerViews';
import type { CassandraTreeProvider } from './views/cassandra/cassandraTree';
import type { PipelinesTreeProvider } from './views/pipelines/pipelinesTree';
import type { TopicsTreeProvider } from './views/topics/topicsTree';

/** What the extension exports to its tests and to other extensions. */
export interface ArchlabApi {
  readSettings(): { settings: ArchlabSettings; problems: SettingProblem[] };
  containers(): ContainersState;
  /** The Topics view's tree, for tests: its nodes are plain data. */
  topicsTree(): TopicsTreeProvider;
  cassandraTree(): CassandraTreeProvider;
  generator(): GeneratorService;
  onContainersChanged(listener: (state: ContainersState) => void): { dispose(): void };
  /** Replaces the comparison panel's feed (undefined: the lab's own again), for tests that render known data. */
  useComparisonFeed(feed: ComparisonFeed | undefined): void;
  /** What the comparison panel shows now (null before it read the views). */
  comparison(): Comparison | null;
  /** What the comparison's Experiments tab shows (null: no experiment yet). */
  experiment(): Promise<ExperimentView | null>;
  jobs(): JobsService;
  /** The Pipelines view's tree: its nodes are plain data. */
  pipelinesTree(): PipelinesTreeProvider;
  truth(): TruthService;
}

export function activate(context: vscode.ExtensionContext): ArchlabApi {
  const log = vscode.window.createOutputChannel('Archlab', { log: true });
  context.subscriptions.push(log);
  const settings = () => readSettings().settings;
  const services = createLabServices({
    settings,
    secrets: context.secrets,
    root: context.extensionPath,
    workerPath: context.asAbsolutePath('dist/generatorWorker.js'),
    workspaceRoot: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    log,
  });
  const { docker, containers, kafka, cassandra, stacks, truth, generator, jobs, feed: labFeed, rateSweep, scale } = services;
  context.subscriptions.push({ dispose: () => void services.dispose() });

  let feed: ComparisonFeed = labFeed;
  const comparison = registerComparisonPanel(context, () => feed, log);
  const views = registerViews(context, { containers, kafka, cassandra, generator, stacks, jobs, uiUrlOf: serviceUiUrl });
  registerCommands({ extension: context, log, docker, containers, stacks, kafka, cassandra, generator, truth, jobs, comparison, rateSweep, scale }, views);

  warnAboutSettings(readSettings().problems);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('archlab')) warnAboutSettings(readSettings().problems);
      if (event.affectsConfiguration('archlab.docker.host') && containers.current.kind !== 'loading') void containers.reconnect();
    }),
  );
  log.info(`Archlab ${context.extension.packageJSON.version as string} activated`);
  return {
    readSettings,
    containers: () => containers.current,
    topicsTree: () => views.topics.tree,
    cassandraTree: () => views.cassandra.tree,
    generator: () => generator,
    onContainersChanged: (listener) => containers.onDidChange(listener),
    useComparisonFeed: (replacement) => {
      feed = replacement ?? labFeed;
    },
    comparison: () => comparison.latest(),
    experiment: () => comparison.latestExperiment(),
    jobs: () => jobs,
    pipelinesTree: () => views.pipelines,
    truth: () => truth,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
