import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { RateSweepOptions } from '../core/experiments/rateSweep';
import { SWEEP_FILES } from '../core/experiments/sweepReport';
import { formatCount, formatDuration } from '../core/format';
import type { ComparisonPanels } from '../panels/comparisonPanel';
import type { RateSweepRunner } from '../services/experiments/rateSweepRunner';
import { writeSweep } from '../services/experiments/sweepFiles';

export interface RateSweepCommandOptions extends Partial<RateSweepOptions> {
  /** The folder to write the record and the report to (default: archlab-experiments/ in the workspace). */
  out?: string;
  seed?: number;
  /** Open the report's preview when done (default true). */
  openReport?: boolean;
}

const PRESETS: { label: string; options: Partial<RateSweepOptions> }[] = [
  { label: 'Quick look', options: { startRate: 500, factor: 4, steps: 3, holdMs: 30_000 } },
  { label: 'Standard', options: { startRate: 500, factor: 2, steps: 6, holdMs: 60_000 } },
  { label: 'Long', options: { startRate: 500, factor: 2, steps: 8, holdMs: 120_000 } },
];

const describe = (o: Partial<RateSweepOptions>) =>
  `${o.steps} steps of ${formatDuration(o.holdMs)} from ${formatCount(o.startRate)} events/s, ×${o.factor} each (${formatDuration((o.steps ?? 0) * (o.holdMs ?? 0))})`;

/**
 * "Archlab: Run Rate Sweep…": steps the generator's rate up on the running stacks, holds each step, writes the
 * record, CSVs, plots and report, and opens the report. Returns the folder it wrote (for tests and keybindings).
 */
export function experimentCommands(
  runner: RateSweepRunner,
  panels: ComparisonPanels,
  storage: vscode.Uri,
): Record<string, (arg?: unknown) => Promise<unknown>> {
  return {
    'archlab.runRateSweep': async (arg?: unknown) => {
      const given = (arg && typeof arg === 'object' ? arg : {}) as RateSweepCommandOptions;
      let options: Partial<RateSweepOptions> = given;
      if (given.steps === undefined) {
        const picked = await vscode.window.showQuickPick(
          PRESETS.map((p) => ({ label: p.label, description: describe(p.options), options: p.options })),
          { title: 'Rate sweep: how long and how far?', placeHolder: 'The generator offers each step’s rate on the running stacks' },
        );
        if (!picked) return undefined;
        options = picked.options;
      }
      const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? storage.fsPath;
      const folder = given.out ?? path.join(root, 'archlab-experiments', `rate-sweep-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}`);
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Archlab rate sweep', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let done = 0;
          const run = await runner.run({
            ...options,
            seed: given.seed,
            signal: abort.signal,
            onProgress: (message, fraction) => {
              const increment = fraction === undefined ? undefined : Math.max(0, fraction - done) * 100;
              if (fraction !== undefined) done = fraction;
              progress.report({ message, increment });
            },
          });
          progress.report({ message: 'Writing the report' });
          await writeSweep(run, folder);
          return run;
        },
      );
      if (result.samples.length === 0) throw new UserFacingError('The rate sweep was cancelled before its first sample: nothing to report.');
      const summary = [
        ...result.chokePoints.map((c) => `${c.pipeline} chokes at ${formatCount(c.step.offeredRate)} events/s`),
        ...(result.keptUp.length > 0 ? [`${result.keptUp.join(', ')} kept up`] : []),
      ].join('; ');
      await panels.showExperiment(folder);
      const report = vscode.Uri.file(path.join(folder, SWEEP_FILES.report));
      if (given.openReport !== false) await vscode.commands.executeCommand('markdown.showPreview', report);
      void vscode.window.showInformationMessage(`Archlab: rate sweep ${result.complete ? 'done' : 'cancelled'}: ${summary}.`, 'Open Report').then((choice) => {
        if (choice) void vscode.commands.executeCommand('markdown.showPreview', report);
      });
      return { folder, complete: result.complete, chokePoints: result.chokePoints, keptUp: result.keptUp };
    },
    /** Shows an experiment folder (yours, or one a student sent) in the comparison's Experiments tab. */
    'archlab.openExperiment': async (arg?: unknown) => {
      const folder =
        typeof arg === 'string'
          ? arg
          : (
              await vscode.window.showOpenDialog({
                canSelectFolders: true,
                canSelectFiles: false,
                openLabel: 'Open Experiment',
                title: `A folder with ${SWEEP_FILES.result}`,
                defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
              })
            )?.[0]?.fsPath;
      if (!folder) return undefined;
      const view = await panels.showExperiment(folder);
      panels.show();
      return view.folder;
    },
  };
}
