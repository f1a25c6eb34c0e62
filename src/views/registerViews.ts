import * as vscode from 'vscode';
import type { ContainersModel } from '../models/containersModel';
import type { UiUrlOf } from '../commands/containerCommands';
import { ContainersTreeProvider } from './containers/containersTree';
import { registerStackStatusBar } from './containers/stackStatusBar';
import { registerCassandraView } from './cassandra/registerCassandraView';
import type { CassandraSource } from './cassandra/cassandraSource';
import type { CassandraTreeProvider } from './cassandra/cassandraTree';
import { registerTopicsView, type TopicsView } from './topics/registerTopicsView';

export const VIEW_IDS = { containers: 'archlab.containers', topics: 'archlab.topics', cassandra: 'archlab.cassandra' } as const;
export type ViewName = keyof typeof VIEW_IDS;

export interface ArchlabViews {
  refresh(view: ViewName): void;
  topics: TopicsView;
  cassandra: { tree: CassandraTreeProvider; source: CassandraSource };
}

export interface ViewSettings {
  kafkaServers(): string[];
  cassandra(): { contactPoints: string[]; localDataCenter: string };
}

export function registerViews(
  context: vscode.ExtensionContext,
  containers: ContainersModel,
  uiUrlOf: UiUrlOf,
  settings: ViewSettings,
  log: vscode.LogOutputChannel,
): ArchlabViews {
  const containersTree = new ContainersTreeProvider(containers, uiUrlOf);
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

  const topics = registerTopicsView(context, containers, () => settings.kafkaServers(), log);
  const cassandra = registerCassandraView(context, containers, () => settings.cassandra());
  const refreshers: Record<ViewName, () => void> = {
    containers: () => containersTree.refresh(),
    topics: () => topics.tree.refresh(),
    cassandra: () => cassandra.tree.refresh(),
  };
  return { refresh: (view) => refreshers[view](), topics, cassandra };
}
