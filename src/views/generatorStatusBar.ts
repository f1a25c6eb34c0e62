import * as vscode from 'vscode';
import { formatCount } from '../core/format';
import type { GeneratorService } from '../services/generator/generatorService';

/** The generator's rate and count while it runs; a warning while it is paused or failed; hidden when stopped. */
export function registerGeneratorStatusBar(context: vscode.ExtensionContext, generator: GeneratorService): void {
  const item = vscode.window.createStatusBarItem('archlab.generator', vscode.StatusBarAlignment.Left, 49);
  item.name = 'Archlab data generator';
  item.command = 'archlab.generatorMenu';
  const update = () => {
    const statuses = generator.live();
    if (statuses.length === 0) {
      item.hide();
      return;
    }
    const paused = statuses.find((s) => s.state === 'paused' || s.state === 'failed');
    const rate = statuses.reduce((sum, s) => sum + s.measuredRate, 0) / statuses.length;
    const acked = statuses.reduce((sum, s) => sum + s.acked, 0) / statuses.length;
    item.text = paused ? `$(warning) Generator ${paused.state}` : `$(pulse) ${formatCount(Math.round(rate))} ev/s · ${formatCount(Math.round(acked))}`;
    item.tooltip = paused?.lastError
      ? `Generator ${paused.state}: ${paused.lastError.message}\nClick for actions.`
      : `Data generator: ${statuses.map((s) => `${s.state}, target ${s.targetRate === 0 ? 'max' : s.targetRate}/s, ${formatCount(s.acked)} acknowledged`).join('; ')}. Click for actions.`;
    item.backgroundColor = paused ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  context.subscriptions.push(item, generator.onDidChange(update));
  update();
}
