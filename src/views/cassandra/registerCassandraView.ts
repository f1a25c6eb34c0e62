import * as vscode from 'vscode';
import type { ContainersModel } from '../../models/containersModel';
import { onClustersChanged, whileVisible } from '../viewRefresh';
import { CassandraSource } from './cassandraSource';
import { CassandraTreeProvider } from './cassandraTree';

/** The lab views move while the jobs run: they are re-read (small tables) this often while the view shows. */
const LAB_VIEWS_REFRESH_MS = 5000;

export function registerCassandraView(
  context: vscode.ExtensionContext,
  containers: ContainersModel,
  settings: () => { contactPoints: string[]; localDataCenter: string },
): { tree: CassandraTreeProvider; source: CassandraSource } {
  const source = new CassandraSource(settings, containers);
  const tree = new CassandraTreeProvider(source);
  const view = vscode.window.createTreeView('archlab.cassandra', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    view,
    whileVisible(view, LAB_VIEWS_REFRESH_MS, () => tree.refresh()),
    onClustersChanged(
      containers,
      () => source.clusters(),
      () => tree.refresh(),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('archlab.cassandra')) tree.refresh();
    }),
    { dispose: () => void source.dispose() },
  );
  return { tree, source };
}
