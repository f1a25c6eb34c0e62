import * as vscode from 'vscode';
import type { ClusterRef } from '../services/connections';
import type { ContainersModel } from '../services/containers';

/** Runs `action` every `intervalMs` while the view is visible, and not at all while it is hidden. */
export function whileVisible(view: vscode.TreeView<unknown>, intervalMs: number, action: () => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearInterval(timer);
    timer = view.visible ? setInterval(action, intervalMs) : undefined;
  };
  const subscription = view.onDidChangeVisibility(schedule);
  schedule();
  return {
    dispose: () => {
      clearInterval(timer);
      subscription.dispose();
    },
  };
}

/** Calls `refresh` when a stack starting or stopping changes the set of clusters a view shows. */
export function onClustersChanged(containers: ContainersModel, clusters: () => Promise<ClusterRef[]>, refresh: () => void): vscode.Disposable {
  let ids = '';
  return containers.onDidChange(async () => {
    const next = (await clusters()).map((c) => c.id).join(',');
    if (next !== ids) {
      ids = next;
      refresh();
    }
  });
}
