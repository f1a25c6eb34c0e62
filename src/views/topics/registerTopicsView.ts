import * as vscode from 'vscode';
import type { ContainersModel } from '../../models/containersModel';
import { onClustersChanged, whileVisible } from '../viewRefresh';
import { KafkaSource } from './kafkaSource';
import { PEEK_SCHEME, PeekDocuments } from './peekDocuments';
import { TopicsTreeProvider } from './topicsTree';

/** Rates come from end-offset deltas, re-read this often while the view shows. */
const RATE_INTERVAL_MS = 5000;

export interface TopicsView {
  tree: TopicsTreeProvider;
  source: KafkaSource;
  peeks: PeekDocuments;
}

export function registerTopicsView(
  context: vscode.ExtensionContext,
  containers: ContainersModel,
  configured: () => string[],
  log: vscode.LogOutputChannel,
): TopicsView {
  const source = new KafkaSource(configured, containers, (m) => log.debug(m));
  const tree = new TopicsTreeProvider(source);
  const peeks = new PeekDocuments();
  const view = vscode.window.createTreeView('archlab.topics', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    tree,
    view,
    whileVisible(view, RATE_INTERVAL_MS, () => void tree.updateRates()),
    onClustersChanged(
      containers,
      () => source.clusters(),
      () => tree.refresh(),
    ),
    vscode.workspace.registerTextDocumentContentProvider(PEEK_SCHEME, peeks),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('archlab.kafka.bootstrapServers')) tree.refresh();
    }),
    { dispose: () => void source.dispose() },
  );
  void vscode.commands.executeCommand('setContext', 'archlab.topics.showInternal', false);
  return { tree, source, peeks };
}
