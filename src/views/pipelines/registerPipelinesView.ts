import * as vscode from 'vscode';
import type { ContainersModel } from '../../services/containers';
import type { JobsService } from '../../services/jobs';
import type { StackService } from '../../services/stacks';
import { whileVisible } from '../viewRefresh';
import { PipelinesTreeProvider } from './pipelinesTree';

/** The jobs' states move with their reports: re-read this often while the view shows. */
const PIPELINES_REFRESH_MS = 2000;

export function registerPipelinesView(
  context: vscode.ExtensionContext,
  containers: ContainersModel,
  stacks: StackService,
  jobs: JobsService,
): PipelinesTreeProvider {
  const tree = new PipelinesTreeProvider(stacks, jobs);
  const view = vscode.window.createTreeView('archlab.pipelines', { treeDataProvider: tree });
  context.subscriptions.push(
    tree,
    view,
    whileVisible(view, PIPELINES_REFRESH_MS, () => tree.refresh()),
    containers.onDidChange(() => tree.refresh()),
  );
  return tree;
}
