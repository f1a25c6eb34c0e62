import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { RateSweepOptions } from '../core/experiments/rateSweep';
import { SWEEP_FILES } from '../core/experiments/sweepReport';
import { formatCount, formatDuration } from '../core/format';
import type { ComparisonPanels } from '../panels/comparisonPanel';
import { DEFAULT_SCALE, parseScaleSetting, SCALE_PRESETS, type ScaleSetting } from '../core/experiments/scale';
import { SCALE_FILES } from '../core/experiments/scaleReport';
import type { RateSweepRunner } from '../services/experiments/rateSweepRunner';
import { writeScale } from '../services/experiments/scaleFiles';
import type { ScaleRunner } from '../services/experiments/scaleRunner';
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

export interface ScaleCommandOptions {
  /** Settings as workers:cores:memory ("1:2:512m"); the first is the baseline. */
  settings?: string[];
  backlogEvents?: number;
  timeoutMs?: number;
  out?: string;
  seed?: number;
  openReport?: boolean;
}

const SCALE_CHOICES: { label: string; detail: string; settings: ScaleSetting[] }[] = [
  { label: 'More cores', detail: 'Spark jobs with 1, then 2 cores each', settings: SCALE_PRESETS.cores },
  { label: 'More memory', detail: 'executors of 512 MiB, then 1 GiB', settings: SCALE_PRESETS.memory },
  { label: 'Cores, memory and a second worker', detail: 'four settings, the longest', settings: SCALE_PRESETS.full },
];

const describe = (o: Partial<RateSweepOptions>) =>
  `${o.steps} steps of ${formatDuration(o.holdMs)} from ${formatCount(o.startRate)} events/s, ×${o.factor} each (${formatDuration((o.steps ?? 0) * (o.holdMs ?? 0))})`;

/** The experiment in a cancellable progress notification; `fraction` of the runner's progress moves the bar. */
function withExperimentProgress<T>(
  title: string,
  run: (signal: AbortSignal, onProgress: (message: string, fraction?: number) => void, say: (message: string) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let done = 0;
    return run(
      abort.signal,
      (message, fraction) => {
        const increment = fraction === undefined ? undefined : Math.max(0, fraction - done) * 100;
        if (fraction !== undefined) done = fraction;
        progress.report({ message, increment });
      },
      (message) => progress.report({ message }),
    );
  });
}

/** archlab-experiments/<name>-<time> in the workspace (or the extension's storage without one). */
function experimentFolder(name: string, storage: vscode.Uri): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? storage.fsPath;
  return path.join(root, 'archlab-experiments', `${name}-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}`);
}

/**
 * "Archlab: Run Rate Sweep…": steps the generator's rate up on the running stacks, holds each step, writes the
 * record, CSVs, plots and report, and opens the report. Returns the folder it wrote (for tests and keybindings).
 */
export function experimentCommands(
  runner: RateSweepRunner,
  scale: ScaleRunner,
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
      const folder = given.out ?? experimentFolder('rate-sweep', storage);
      const result = await withExperimentProgress('Archlab rate sweep', async (signal, onProgress, say) => {
        const run = await runner.run({ ...options, seed: given.seed, signal, onProgress });
        say('Writing the report');
        await writeSweep(run, folder);
        return run;
      });
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
    /**
     * "Archlab: Run Scale Experiment…": counts the same backlog on the kappa stack under several Spark settings and
     * writes what each changed. Returns the folder, the verdicts and the per-setting figures.
     */
    'archlab.runScaleExperiment': async (arg?: unknown) => {
      const given = (arg && typeof arg === 'object' ? arg : {}) as ScaleCommandOptions;
      let settings: ScaleSetting[];
      if (given.settings) {
        try {
          settings = given.settings.map(parseScaleSetting);
        } catch (error) {
          throw new UserFacingError(`Scale experiment: ${(error as Error).message}.`);
        }
      } else {
        const picked = await vscode.window.showQuickPick(
          SCALE_CHOICES.map((c) => ({ label: c.label, description: c.settings.map((s) => s.label).join(' → '), detail: c.detail, settings: c.settings })),
          { title: 'Scale: what should change?', placeHolder: 'The kappa stream counts the same backlog under each setting' },
        );
        if (!picked) return undefined;
        settings = picked.settings;
      }
      const folder = given.out ?? experimentFolder('scale', storage);
      const result = await withExperimentProgress('Archlab scale experiment', async (signal, onProgress, say) => {
        const run = await scale.run({
          settings,
          backlogEvents: given.backlogEvents ?? DEFAULT_SCALE.backlogEvents,
          timeoutMs: given.timeoutMs,
          seed: given.seed,
          signal,
          onProgress,
        });
        if (run.runs.length > 0) {
          say('Writing the report');
          await writeScale(run, folder);
        }
        return run;
      });
      if (result.runs.length === 0) throw new UserFacingError('The scale experiment was cancelled before its first setting ended: nothing to report.');
      await panels.showExperiment(folder);
      const report = vscode.Uri.file(path.join(folder, SCALE_FILES.report));
      if (given.openReport !== false) await vscode.commands.executeCommand('markdown.showPreview', report);
      const summary = result.comparisons.map((c) => `${result.runs[c.setting].setting.label}: ${c.verdict}`).join('; ');
      void vscode.window
        .showInformationMessage(`Archlab: scale experiment ${result.complete ? 'done' : 'cancelled'}: ${summary || 'nothing compared'}.`, 'Open Report')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('markdown.showPreview', report);
        });
      return { folder, complete: result.complete, comparisons: result.comparisons, results: result.results };
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
                title: `A folder with ${SWEEP_FILES.result} or ${SCALE_FILES.result}`,
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
