import * as vscode from 'vscode';
import { EmptyTreeProvider } from './emptyTree';

export const VIEW_IDS = { containers: 'archlab.containers', topics: 'archlab.topics', cassandra: 'archlab.cassandra' } as const;
export type ViewName = keyof typeof VIEW_IDS;

export interface ArchlabViews {
  refresh(view: ViewName): void;
}

export function registerViews(context: vscode.ExtensionContext): ArchlabViews {
  const providers = {} as Record<ViewName, EmptyTreeProvider>;
  for (const view of Object.keys(VIEW_IDS) as ViewName[]) {
    const provider = new EmptyTreeProvider();
    providers[view] = provider;
    context.subscriptions.push(provider, vscode.window.createTreeView(VIEW_IDS[view], { treeDataProvider: provider, showCollapseAll: view !== 'containers' }));
  }
  return { refresh: (view) => providers[view].refresh() };
}
