import * as vscode from 'vscode';

/** Commands whose feature has not landed say so plainly instead of pretending to work. */
export function notBuiltYet(feature: string): void {
  void vscode.window.showInformationMessage(`Archlab: ${feature} is not built yet in this version of Archlab. Nothing was changed.`);
}
