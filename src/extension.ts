// Composition root: build the services, register views and commands. Nothing else lives here.
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { readSettings, warnAboutSettings } from './commands/settingsProblems';
import type { ArchlabSettings, SettingProblem } from './core/settings';
import { registerViews } from './views/registerViews';

/** What the extension exports to its tests and to other extensions. */
export interface ArchlabApi {
  readSettings(): { settings: ArchlabSettings; problems: SettingProblem[] };
}

export function activate(context: vscode.ExtensionContext): ArchlabApi {
  const log = vscode.window.createOutputChannel('Archlab', { log: true });
  context.subscriptions.push(log);
  const views = registerViews(context);
  registerCommands(context, log, views);

  warnAboutSettings(readSettings().problems);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('archlab')) warnAboutSettings(readSettings().problems);
  }));
  log.info(`Archlab ${context.extension.packageJSON.version as string} activated`);
  return { readSettings };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
