import * as vscode from 'vscode';
import type { ArchlabViews } from '../views/registerViews';
import { notBuiltYet } from './notBuiltYet';
import { registerCommand, SHOW_LOGS_COMMAND } from './registerCommand';
import { startStack, stopStack } from './stackCommands';

/** Every command Archlab contributes; package.json's contributes.commands must list exactly these. */
export function registerCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, views: ArchlabViews): void {
  const handlers: Record<string, () => unknown> = {
    'archlab.startLambda': () => startStack('lambda', log),
    'archlab.startKappa': () => startStack('kappa', log),
    'archlab.stopLambda': () => stopStack('lambda'),
    'archlab.stopKappa': () => stopStack('kappa'),
    'archlab.openComparison': () => notBuiltYet('the comparison panel'),
    'archlab.startGenerator': () => notBuiltYet('the data generator'),
    'archlab.stopGenerator': () => notBuiltYet('the data generator'),
    'archlab.configureConnections': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:archlab.archlab'),
    [SHOW_LOGS_COMMAND]: () => log.show(),
    'archlab.containers.refresh': () => views.refresh('containers'),
    'archlab.topics.refresh': () => views.refresh('topics'),
    'archlab.cassandra.refresh': () => views.refresh('cassandra'),
  };
  for (const [id, handler] of Object.entries(handlers)) registerCommand(context, log, id, handler);
}
