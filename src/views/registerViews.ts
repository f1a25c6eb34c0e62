import * as vscode from 'vscode';
import type { ContainersModel } from '../models/containersModel';
import type { UiUrlOf } from '../commands/containerCommands';
import { ContainersTreeProvider } from './containers/containersTree';
import { registerStackStatusBar } from './containers/stackStatusBar';
import { EmptyTreeProvider } from './emptyTree';

export const VIEW_IDS = { containers: 'archlab.containers', topics: 'archlab.topics', cassandra: 'archlab.cassandra' } as const;
export type ViewName = keyof typeof VIEW_IDS;

export interface ArchlabViews {
  refresh(view: ViewName): void;
}

export function registerViews(context: vscode.ExtensionContext, containers: ContainersModel, uiUrlOf: UiUrlOf): ArchlabViews {
  const containersTree = new ContainersTreeProvider(containers, uiUrlOf);
  const containersView = vscode.window.createTreeView(VIEW_IDS.containers, { treeDataProvider: containersTree });
  // Docker is first contacted when the view shows (or a stack command runs), not at activation.
  let watching = false;
  const watchWhenVisible = () => {
    if (containersView.visible && !watching) {
      watching = true;
      void containers.start();
    }
  };
  context.subscriptions.push(containersTree, containersView, containersView.onDidChangeVisibility(watchWhenVisible));
  watchWhenVisible();
  registerStackStatusBar(context, containers);

  const placeholders = { topics: new EmptyTreeProvider(), cassandra: new EmptyTreeProvider() };
  for (const [view, provider] of Object.entries(placeholders) as [ViewName, EmptyTreeProvider][]) {
    context.subscriptions.push(provider, vscode.window.createTreeView(VIEW_IDS[view], { treeDataProvider: provider, showCollapseAll: true }));
  }
  return {
    refresh: (view) => (view === 'containers' ? containersTree.refresh() : placeholders[view].refresh()),
  };
}
