import * as vscode from 'vscode';
import { isUserFacingError, shortMessage } from '../core/errors';

export const SHOW_LOGS_COMMAND = 'archlab.showLogs';
const OPEN_LOGS = 'Open Logs';

/**
 * Registers a command so that nothing it throws escapes: the full error (with stack) goes to the log,
 * the user sees a one-line message with the error's actions and "Open Logs".
 */
export function registerCommand(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, id: string, handler: (...args: unknown[]) => unknown): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        reportError(log, id, error);
        return undefined;
      }
    }),
  );
}

/** Logs the full error and shows a one-line message; does not wait for the user to answer it. */
export function reportError(log: vscode.LogOutputChannel, commandId: string, error: unknown): void {
  log.error(`${commandId} failed:`, error instanceof Error ? (error.stack ?? error.message) : String(error));
  const actions = isUserFacingError(error) ? error.actions : [];
  const message = isUserFacingError(error) ? error.message : `Archlab: ${commandTitle(commandId)} failed: ${shortMessage(error)}`;
  void vscode.window.showErrorMessage(message, ...actions.map((a) => a.title), OPEN_LOGS).then(
    async (choice) => {
      if (choice === OPEN_LOGS) {
        log.show(true);
        return;
      }
      const action = actions.find((a) => a.title === choice);
      if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    },
    (showError: unknown) => log.error('could not show an error message', showError),
  );
}

function commandTitle(commandId: string): string {
  return commandId
    .replace(/^archlab\./, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\./g, ' ')
    .toLowerCase();
}
