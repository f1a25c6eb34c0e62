// Composition root: build the services, register views, panels and commands. Nothing else lives here.
import * as vscode from 'vscode';
import { DockerAccess } from './clients/docker/dockerAccess';
import { registerCommands } from './commands/registerCommands';
import { readSettings, warnAboutSettings } from './commands/settingsProblems';
import type { Comparison, ComparisonFeed } from './core/comparison';
import type { ArchlabSettings, SettingProblem } from './core/settings';
import { registerComparisonPanel } from './panels/comparisonPanel';
import { LabComparisonFeed } from './services/comparisonFeed';
import { CassandraConnections, KafkaConnections } from './services/connections';
import { ContainersModel, type ContainersState } from './services/containers';
import { GeneratorService } from './services/generator/generatorService';
import { JobsService } from './services/jobs';
import { isLabProject, serviceUiUrl, StackService } from './services/stacks';
import { TruthService } from './services/truth';
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
  jobs(): JobsService;
  /** The Pipelines view's tree: its nodes are plain data. */
  pipelinesTree(): PipelinesTreeProvider;
  truth(): TruthService;
}

export function activate(context: vscode.ExtensionContext): ArchlabApi {
  const log = vscode.window.createOutputChannel('Archlab', { log: true });
  context.subscriptions.push(log);
  const settings = () => readSettings().settings;
  const docker = new DockerAccess(() => settings().dockerHost);
  const containers = new ContainersModel(() => docker.client(), { isLabProject, log: (m) => log.warn(m) });
  const kafka = new KafkaConnections(
    () => settings().kafkaBootstrapServers,
    containers,
    (m) => log.debug(m),
  );
  const cassandra = new CassandraConnections(
    () => ({ contactPoints: settings().cassandraContactPoints, localDataCenter: settings().cassandraLocalDataCenter }),
    containers,
  );
  const stacks = new StackService({
    docker,
    containers,
    settings,
    secrets: context.secrets,
    extensionRoot: context.extensionPath,
    workspaceRoot: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    log,
  });
  const truth = new TruthService({ kafka, cassandra, log });
  const generator = new GeneratorService({ workerPath: context.asAbsolutePath('dist/generatorWorker.js'), clusters: () => kafka.clusters(), truth, log });
  const jobs = new JobsService({ stacks, docker, kafka, cassandra, log });
  context.subscriptions.push(containers, { dispose: () => void Promise.all([generator.dispose(), kafka.dispose(), cassandra.dispose()]) });

  const labFeed = new LabComparisonFeed(cassandra, kafka, containers, truth);
  let feed: ComparisonFeed = labFeed;
  const comparison = registerComparisonPanel(context, () => feed, log);
  const views = registerViews(context, { containers, kafka, cassandra, generator, stacks, jobs, uiUrlOf: serviceUiUrl });
  registerCommands({ extension: context, log, docker, containers, stacks, kafka, cassandra, generator, truth, jobs, comparison }, views);

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
    jobs: () => jobs,
    pipelinesTree: () => views.pipelines,
    truth: () => truth,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
