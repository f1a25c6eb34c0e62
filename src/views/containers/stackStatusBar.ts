import * as vscode from 'vscode';
import type { ContainersModel } from '../../services/containers';
import { groupHealth } from '../../services/stacks';
import { stackTitle } from './containersTree';

/** Shows the running stacks and their health; hidden when none runs. */
export function registerStackStatusBar(context: vscode.ExtensionContext, model: ContainersModel): void {
  const item = vscode.window.createStatusBarItem('archlab.stacks', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Archlab stacks';
  item.command = 'archlab.containers.focus';
  const update = () => {
    const state = model.current;
    const projects = state.kind === 'ready' ? [...new Set(state.containers.filter((c) => c.state === 'running').map((c) => c.project as string))] : [];
    if (projects.length === 0) {
      item.hide();
      return;
    }
    const parts = projects.map((project) => {
      const { healthy, total } = groupHealth(model.containersOf(project));
      return `${stackTitle(project)} ${healthy}/${total}`;
    });
    item.text = `$(layers) ${parts.join('  ')}`;
    item.tooltip = 'Archlab stacks: healthy services / services. Click to show the containers.';
    item.show();
  };
  context.subscriptions.push(item, model.onDidChange(update));
  update();
}
