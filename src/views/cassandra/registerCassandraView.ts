import * as vscode from 'vscode';
import type { CassandraConnections } from '../../services/connections';
import type { ContainersModel } from '../../services/containers';
import { onClustersChanged, whileVisible } from '../viewRefresh';
import { CassandraTreeProvider } from './cassandraTree';

/** The lab views move while the jobs run: they are re-read (small tables) this often while the view shows. */
const LAB_VIEWS_REFRESH_MS = 5000;

export function registerCassandraView(
  context: vscode.ExtensionContext,
  containers: ContainersModel,
  cassandra: CassandraConnections,
): { tree: CassandraTreeProvider } {
  const tree = new CassandraTreeProvider(cassandra);
  const view = vscode.window.createTreeView('archlab.cassandra', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    view,
    whileVisible(view, LAB_VIEWS_REFRESH_MS, () => tree.refresh()),
    onClustersChanged(
      containers,
      () => cassandra.clusters(),
      () => tree.refresh(),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('archlab.cassandra')) tree.refresh();
    }),
  );
  return { tree };
}
