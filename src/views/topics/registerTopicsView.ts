import * as vscode from 'vscode';
import type { KafkaConnections } from '../../services/connections';
import type { ContainersModel } from '../../services/containers';
import { onClustersChanged, whileVisible } from '../viewRefresh';
import { PEEK_SCHEME, PeekDocuments } from './peekDocuments';
import { TopicsTreeProvider } from './topicsTree';

/** Rates come from end-offset deltas, re-read this often while the view shows. */
const RATE_INTERVAL_MS = 5000;

export interface TopicsView {
  tree: TopicsTreeProvider;
  peeks: PeekDocuments;
}

export function registerTopicsView(context: vscode.ExtensionContext, containers: ContainersModel, kafka: KafkaConnections): TopicsView {
  const tree = new TopicsTreeProvider(kafka);
  const peeks = new PeekDocuments();
  const view = vscode.window.createTreeView('archlab.topics', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    view,
    whileVisible(view, RATE_INTERVAL_MS, () => void tree.updateRates()),
    onClustersChanged(
      containers,
      () => kafka.clusters(),
      () => tree.refresh(),
    ),
    vscode.workspace.registerTextDocumentContentProvider(PEEK_SCHEME, peeks),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('archlab.kafka.bootstrapServers')) tree.refresh();
    }),
  );
  void vscode.commands.executeCommand('setContext', 'archlab.topics.showInternal', false);
  return { tree, peeks };
}
