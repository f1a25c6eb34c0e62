// Composition root: build the services, register views and commands. Nothing else lives here.
import * as vscode from 'vscode';
import { DockerAccess } from './clients/docker/dockerAccess';
import { GeneratorService } from './commands/generatorCommands';
import { registerCommands } from './commands/registerCommands';
import { readSettings, warnAboutSettings } from './commands/settingsProblems';
import type { ArchlabSettings, SettingProblem } from './core/settings';
import { isLabProject, serviceUiUrl, stackGrafanaUrl } from './models/stackLinks';
import { ContainersModel, type ContainersState } from './models/containersModel';
import { registerComparisonPanel } from './panels/comparisonPanel';
import { LabComparisonFeed, publishTruth } from './panels/labComparisonFeed';
import { registerViews } from './views/registerViews';
import type { CassandraTreeProvider } from './views/cassandra/cassandraTree';
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
}

export function activate(context: vscode.ExtensionContext): ArchlabApi {
  const log = vscode.window.createOutputChannel('Archlab', { log: true });
  context.subscriptions.push(log);
  const docker = new DockerAccess(() => readSettings().settings.dockerHost);
  const containers = new ContainersModel(() => docker.client(), { isLabProject, log: (m) => log.warn(m) });
  context.subscriptions.push(containers);
  const views = registerViews(
    context,
    containers,
    serviceUiUrl,
    {
      kafkaServers: () => readSettings().settings.kafkaBootstrapServers,
      cassandra: () => ({ contactPoints: readSettings().settings.cassandraContactPoints, localDataCenter: readSettings().settings.cassandraLocalDataCenter }),
    },
    log,
  );
  const generator = new GeneratorService(
    context.asAbsolutePath('dist/generatorWorker.js'),
    () => views.topics.source.clusters(),
    log,
    (cluster, truth) => publishTruth(views.cassandra.source, cluster, truth),
  );
  context.subscriptions.push(generator);
  registerCommands({ extension: context, log, docker, containers }, views, generator, serviceUiUrl, stackGrafanaUrl);
  registerComparisonPanel(context, new LabComparisonFeed(views.cassandra.source, containers, generator), log);

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
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
