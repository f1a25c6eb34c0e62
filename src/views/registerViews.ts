import * as vscode from 'vscode';
import type { ContainerSummary } from '../clients/docker/types';
import type { CassandraConnections, KafkaConnections } from '../services/connections';
import type { ContainersModel } from '../services/containers';
import type { GeneratorService } from '../services/generator/generatorService';
import type { JobsService } from '../services/jobs';
import type { StackService } from '../services/stacks';
import { registerPipelinesView } from './pipelines/registerPipelinesView';
import type { PipelinesTreeProvider } from './pipelines/pipelinesTree';
import { registerCassandraView } from './cassandra/registerCassandraView';
import type { CassandraTreeProvider } from './cassandra/cassandraTree';
import { ContainersTreeProvider } from './containers/containersTree';
import { registerStackStatusBar } from './containers/stackStatusBar';
import { registerGeneratorStatusBar } from './generatorStatusBar';
import { registerTopicsView, type TopicsView } from './topics/registerTopicsView';

export const VIEW_IDS = { containers: 'archlab.containers', pipelines: 'archlab.pipelines', topics: 'archlab.topics', cassandra: 'archlab.cassandra' } as const;
export type ViewName = keyof typeof VIEW_IDS;

export interface ArchlabViews {
  refresh(view: ViewName): Promise<void>;
  topics: TopicsView;
  cassandra: { tree: CassandraTreeProvider };
  pipelines: PipelinesTreeProvider;
}

export interface ViewServices {
  containers: ContainersModel;
  kafka: KafkaConnections;
  cassandra: CassandraConnections;
  generator: GeneratorService;
  stacks: StackService;
  jobs: JobsService;
  uiUrlOf: (container: ContainerSummary) => string | undefined;
}

export function registerViews(context: vscode.ExtensionContext, services: ViewServices): ArchlabViews {
  const { containers } = services;
  const containersTree = new ContainersTreeProvider(containers, services.uiUrlOf);
  const containersView = vscode.window.createTreeView(VIEW_IDS.containers, { treeDataProvider: containersTree });
  // Docker is first contacted when the view shows (or a stack command runs), not at activation.
  let watching = false;
  const watchWhenVisible = () => {
    if (containersView.visible && !watching) {
      watching = true;
      void containers.ensureStarted();
    }
  };
  context.subscriptions.push(containersTree, containersView, containersView.onDidChangeVisibility(watchWhenVisible));
  watchWhenVisible();
  registerStackStatusBar(context, containers);
  registerGeneratorStatusBar(context, services.generator);

  const pipelines = registerPipelinesView(context, containers, services.stacks, services.jobs);
  const topics = registerTopicsView(context, containers, services.kafka);
  const cassandra = registerCassandraView(context, containers, services.cassandra);
  const refreshers: Record<ViewName, () => Promise<void>> = {
    containers: () => containers.refresh(),
    pipelines: async () => pipelines.refresh(),
    topics: async () => topics.tree.refresh(),
    cassandra: async () => cassandra.tree.refresh(),
  };
  return { refresh: (view) => refreshers[view](), topics, cassandra, pipelines };
}
