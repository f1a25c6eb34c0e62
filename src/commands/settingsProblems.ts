import * as vscode from 'vscode';
import { validateSettings, type ArchlabSettings, type SettingProblem } from '../core/settings';

export function readSettings(): { settings: ArchlabSettings; problems: SettingProblem[] } {
  const config = vscode.workspace.getConfiguration('archlab');
  // Only values the user set count; unset keys keep Archlab's own defaults.
  return validateSettings((key) => {
    const inspected = config.inspect(key);
    return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  });
}

/** Shows one warning per bad setting, with a button that opens it. */
export function warnAboutSettings(problems: SettingProblem[]): void {
  for (const problem of problems) {
    void vscode.window.showWarningMessage(`Archlab: ${problem.message}`, 'Open Setting').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', problem.key);
    });
  }
}
