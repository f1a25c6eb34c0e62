// Host side of "Archlab: Open Comparison": one webview panel that polls the feed every 2 s while visible,
// sends the page typed messages (./protocol), restores itself after a reload, and exports to a folder.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { Comparison, ComparisonFeed } from '../core/comparison';
import type { ChartId } from '../core/comparisonExport';
import { shortMessage } from '../core/errors';
import type { ExperimentView } from '../core/experiments/experimentView';
import { SCALE_FILES } from '../core/experiments/scaleReport';
import { SWEEP_FILES } from '../core/experiments/sweepReport';
import { readExperimentView } from '../services/experiments/sweepFiles';
import { ComparisonModel } from './comparisonModel';
import { COMPARISON_VIEW_TYPE, isPageToHost, type HostToPage, type PageToHost } from './protocol';

export type { ComparisonFeed } from '../core/comparison';

export const REFRESH_MS = 2000;
const MIN_GAP_MS = 1000;
const READY_TIMEOUT_MS = 20_000;
const CHARTS_TIMEOUT_MS = 10_000;
const DEFAULT_WINDOW_MS = 5 * 60_000;

export interface ComparisonDeps {
  context: vscode.ExtensionContext;
  /** Read at every refresh, so that a test can swap the feed (the extension's test API). */
  feed: () => ComparisonFeed;
  model: ComparisonModel;
  log: vscode.LogOutputChannel;
  /** The latest experiment, for the Experiments tab. */
  experiment: () => Promise<ExperimentView | null>;
  /** Whether the page should switch to the Experiments tab once it is ready (asked once). */
  takeReveal: () => boolean;
}

function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(context)] };
}

export class ComparisonPanel implements vscode.Disposable {
  private static current: ComparisonPanel | undefined;

  /** Reveals the panel, or creates it when none is open. */
  static show(deps: ComparisonDeps, preserveFocus = false): ComparisonPanel {
    if (ComparisonPanel.current) {
      ComparisonPanel.current.panel.reveal(undefined, preserveFocus);
      return ComparisonPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARISON_VIEW_TYPE,
      'Archlab Comparison',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      webviewOptions(deps.context),
    );
    return new ComparisonPanel(panel, deps);
  }

  /** The serializer's restore after a window reload. */
  static revive(panel: vscode.WebviewPanel, deps: ComparisonDeps): ComparisonPanel {
    if (ComparisonPanel.current) {
      panel.dispose();
      return ComparisonPanel.current;
    }
    panel.webview.options = webviewOptions(deps.context);
    return new ComparisonPanel(panel, deps);
  }

  static get open(): ComparisonPanel | undefined {
    return ComparisonPanel.current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private readAgain = false;
  private disposed = false;
  private wasVisible: boolean;
  private lastReadAt = 0;
  private pageReady = false;
  private readyWaiters: (() => void)[] = [];
  private nextRequest = 1;
  private readonly chartRequests = new Map<number, (reply: { charts: Partial<Record<ChartId, string>>; windowMs: number | null }) => void>();

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: ComparisonDeps,
  ) {
    ComparisonPanel.current = this;
    this.wasVisible = panel.visible;
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible === this.wasVisible) return;
        this.wasVisible = panel.visible;
        if (panel.visible) {
          this.schedule(0);
        } else {
          // Without retainContextWhenHidden the page is gone while hidden: it says "ready" again when shown.
          this.pageReady = false;
          this.stopPolling();
          void this.deps.model.save();
        }
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isPageToHost(message)) void this.onMessage(message);
        else deps.log.warn(`comparison page sent an unknown message: ${JSON.stringify(message)?.slice(0, 200)}`);
      }),
    );
    this.schedule(0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ComparisonPanel.current === this) ComparisonPanel.current = undefined;
    this.stopPolling();
    for (const resolve of this.chartRequests.values()) resolve({ charts: {}, windowMs: DEFAULT_WINDOW_MS });
    this.chartRequests.clear();
    void this.deps.model.save();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  stopPolling(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The extension is going away: stop reading for good but leave the panel open, so VS Code restores it. */
  shutdown(): void {
    this.disposed = true;
    this.stopPolling();
    if (ComparisonPanel.current === this) ComparisonPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Resolves once the page has loaded and said "ready" (false after `timeoutMs`). */
  whenReady(timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
    if (this.pageReady) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Writes the CSV, JSON, Markdown report and chart PNGs to `folder` (asks for one when omitted); returns the
   * paths written, or [] when the user cancelled.
   */
  async export(folder?: string | vscode.Uri): Promise<string[]> {
    const target = typeof folder === 'string' ? vscode.Uri.file(folder) : (folder ?? (await this.askFolder()));
    if (!target) return [];
    try {
      const { charts, windowMs } = await this.collectCharts();
      const files = this.deps.model.exportFiles(charts, windowMs, Date.now());
      await vscode.workspace.fs.createDirectory(target);
      const written: string[] = [];
      for (const [name, bytes] of files) {
        const uri = vscode.Uri.joinPath(target, name);
        await vscode.workspace.fs.writeFile(uri, bytes);
        written.push(uri.fsPath);
      }
      this.post({ type: 'exported', folder: target.fsPath, files: [...files.keys()] });
      void this.deps.model.save();
      this.deps.log.info(`comparison exported to ${target.fsPath}: ${[...files.keys()].join(', ')}`);
      const report = written.find((f) => f.endsWith('.md'));
      void vscode.window
        .showInformationMessage(`Archlab: exported the comparison (${written.length} files) to ${target.fsPath}.`, 'Open Report')
        .then(async (choice) => {
          if (choice && report) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(report));
        });
      return written;
    } catch (error) {
      this.post({ type: 'exportFailed', message: shortMessage(error) });
      throw error;
    }
  }

  private async askFolder(): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Export Here',
      title: 'Export the Comparison',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }

  /** The page's charts as PNG data URLs; none when the page does not answer (hidden, still loading). */
  private async collectCharts(): Promise<{ charts: Partial<Record<ChartId, string>>; windowMs: number | null }> {
    const none = { charts: {}, windowMs: DEFAULT_WINDOW_MS };
    if (!this.pageReady) {
      this.deps.log.warn('comparison export: the page is not shown, so the charts are left out');
      return none;
    }
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.chartRequests.delete(requestId);
        this.deps.log.warn('comparison export: the page did not send its charts in time, so they are left out');
        resolve(none);
      }, CHARTS_TIMEOUT_MS);
      this.chartRequests.set(requestId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.post({ type: 'collectCharts', requestId });
    });
  }

  private async onMessage(message: PageToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.pageReady = true;
        const { model } = this.deps;
        this.post({ type: 'restore', points: [...model.store.points], comparison: model.latest, refreshMs: REFRESH_MS, error: model.error });
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        if (!this.timer && !this.reading) this.schedule(0);
        this.showExperiment(await this.deps.experiment(), this.deps.takeReveal());
        return;
      }
      case 'refresh':
        this.schedule(0);
        return;
      case 'export':
        await vscode.commands.executeCommand('archlab.comparison.export');
        return;
      case 'charts': {
        const resolve = this.chartRequests.get(message.requestId);
        this.chartRequests.delete(message.requestId);
        resolve?.({ charts: message.charts, windowMs: message.windowMs });
        return;
      }
      case 'clearSeries':
        this.deps.model.clear();
        this.post({ type: 'restore', points: [], comparison: this.deps.model.latest, refreshMs: REFRESH_MS, error: this.deps.model.error });
        return;
      case 'openStack':
        await vscode.commands.executeCommand(message.stack === 'lambda' ? 'archlab.startLambda' : 'archlab.startKappa');
        return;
      case 'runRateSweep':
        await vscode.commands.executeCommand('archlab.runRateSweep');
        return;
      case 'openExperimentReport': {
        const latest = await this.deps.experiment();
        if (latest)
          await vscode.commands.executeCommand(
            'markdown.showPreview',
            vscode.Uri.joinPath(vscode.Uri.file(latest.folder), latest.kind === 'scale' ? SCALE_FILES.report : SWEEP_FILES.report),
          );
        return;
      }
    }
  }

  /**
   * Reads again after `delay` ms, while visible. Never two reads at once (a request during a read runs after it),
   * and at least MIN_GAP_MS between reads, so that rates are not computed over a few milliseconds.
   */
  private schedule(delay: number): void {
    if (this.disposed || !this.panel.visible) return;
    if (this.reading) {
      if (delay === 0) this.readAgain = true;
      return;
    }
    clearTimeout(this.timer);
    const wait = Math.max(delay, this.lastReadAt + MIN_GAP_MS - Date.now(), 0);
    this.timer = setTimeout(() => void this.read(), wait);
  }

  private async read(): Promise<void> {
    this.timer = undefined;
    this.reading = true;
    this.lastReadAt = Date.now();
    this.readAgain = false;
    try {
      const snapshot = await this.deps.feed().snapshot();
      const added = this.deps.model.add(snapshot);
      if (added) this.post({ type: 'snapshot', point: added.point, comparison: added.comparison });
    } catch (error) {
      const message = shortMessage(error);
      if (this.deps.model.error !== message) this.deps.log.warn(`comparison: could not read the views: ${message}`);
      this.deps.model.error = message;
      this.post({ type: 'status', error: message });
    } finally {
      this.reading = false;
      this.schedule(this.readAgain ? 0 : REFRESH_MS);
    }
  }

  get ready(): boolean {
    return this.pageReady;
  }

  /** Shows the experiment in its tab; `reveal` switches to that tab. */
  showExperiment(experiment: ExperimentView | null, reveal = false): void {
    this.post({ type: 'experiment', experiment, reveal });
  }

  private post(message: HostToPage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = crypto.randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(this.deps.context), name)).toString();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}" nonce="${nonce}">
<link rel="stylesheet" href="${asset('comparison.css')}" nonce="${nonce}">
<title>Archlab Comparison</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${asset('comparison.js')}"></script>
</body>
</html>`;
  }
}

/** The comparison panel's entry points, for the commands (archlab.openComparison, archlab.comparison.export). */
export interface ComparisonPanels {
  show(): void;
  /** Writes the export to `folder` (asks for one when omitted); the paths written, [] when cancelled. */
  export(folder?: string | vscode.Uri): Promise<string[]>;
  /** Whether there is anything to export yet. */
  hasData(): boolean;
  /** The comparison the panel shows now (null before its first reading). */
  latest(): Comparison | null;
  /** Shows the experiment written to `folder` in the Experiments tab (and remembers it for this workspace). */
  showExperiment(folder: string): Promise<ExperimentView>;
  /** What the Experiments tab shows (null: no experiment yet). */
  latestExperiment(): Promise<ExperimentView | null>;
}

const EXPERIMENT_KEY = 'archlab.comparison.experimentFolder';

/** Registers the comparison panel's serializer (it comes back after a window reload) and returns its entry points. */
export function registerComparisonPanel(context: vscode.ExtensionContext, feed: () => ComparisonFeed, log: vscode.LogOutputChannel): ComparisonPanels {
  let experiment: ExperimentView | null | undefined;
  /** The remembered experiment, read from its folder once; a folder that is gone is forgotten, with a log line. */
  const latestExperiment = async (): Promise<ExperimentView | null> => {
    if (experiment !== undefined) return experiment;
    const folder = context.workspaceState.get<string>(EXPERIMENT_KEY);
    experiment = folder
      ? await readExperimentView(folder).catch((error: unknown) => {
          log.warn(`comparison: the last experiment in ${folder} could not be read: ${shortMessage(error)}`);
          return null;
        })
      : null;
    return experiment;
  };
  let revealOnReady = false;
  const deps: ComparisonDeps = {
    context,
    feed,
    model: new ComparisonModel(context.workspaceState),
    log,
    experiment: latestExperiment,
    takeReveal: () => {
      const reveal = revealOnReady;
      revealOnReady = false;
      return reveal;
    },
  };
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(COMPARISON_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        ComparisonPanel.revive(panel, deps);
      },
    }),
  );
  // On shutdown keep the panel (VS Code restores it through the serializer): only stop reading and save the series.
  context.subscriptions.push({
    dispose: () => {
      ComparisonPanel.open?.shutdown();
      void deps.model.save();
    },
  });
  return {
    show: () => {
      ComparisonPanel.show(deps);
    },
    export: async (folder) => {
      const panel = ComparisonPanel.show(deps, true);
      await panel.whenReady();
      return panel.export(folder);
    },
    hasData: () => deps.model.store.points.length > 0 || deps.model.latest !== null,
    latest: () => deps.model.latest,
    showExperiment: async (folder) => {
      const view = await readExperimentView(folder);
      experiment = view;
      await context.workspaceState.update(EXPERIMENT_KEY, folder);
      const panel = ComparisonPanel.open;
      if (panel?.ready) panel.showExperiment(view, true);
      else revealOnReady = true;
      return view;
    },
    latestExperiment,
  };
}
