// Browser side of the comparison panel: renders what the host sends (src/panels/protocol.ts), keeps only UI
// choices in the webview state, and hands the charts over as PNG images for an export.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import 'uplot/dist/uPlot.min.css';
import './comparison.css';
import { STACK_LABELS, type Comparison, type StackName } from '../../src/core/comparison';
import { CHART_IDS, type ChartId } from '../../src/core/comparisonExport';
import { formatCount } from '../../src/core/format';
import { DEFAULT_SERIES_CAPACITY, summarize, type SeriesPoint } from '../../src/core/comparisonSeries';
import { isHostToPage, type HostToPage, type PageState, type PageToHost } from '../../src/panels/protocol';
import { Charts } from './charts';
import { renderExperiment } from './experiments';
import { renderTable } from './table';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const DEFAULT_WINDOW_MS = 5 * 60_000;
const WINDOWS: { label: string; ms: number | null }[] = [
  { label: 'last minute', ms: 60_000 },
  { label: 'last 5 minutes', ms: 5 * 60_000 },
  { label: 'last 15 minutes', ms: 15 * 60_000 },
  { label: 'whole series', ms: null },
];

let state: PageState = { windowMs: DEFAULT_WINDOW_MS, ...vscode.getState() };
let points: SeriesPoint[] = [];
let comparison: Comparison | null = null;
let refreshMs = 2000;

const root = document.getElementById('root') as HTMLElement;
root.innerHTML = `
<header class="bar">
  <h1>Lambda vs Kappa: the lab's answer</h1>
  <div class="stacks" id="stacks" role="status" aria-live="polite"></div>
  <div class="actions">
    <vscode-button id="refresh" secondary icon="refresh" title="Read the views now">Refresh</vscode-button>
    <vscode-button id="export" icon="export" title="Write CSV, JSON, a Markdown report and the charts to a folder">Export\u2026</vscode-button>
    <vscode-button id="clear" secondary icon="clear-all" title="Forget the samples collected so far">Clear Series</vscode-button>
  </div>
</header>
<div id="error" class="banner" role="alert" hidden><span class="codicon codicon-error" aria-hidden="true"></span><span class="text"></span></div>
<div id="notice" class="notice" role="status" aria-live="polite"></div>
<p id="updated" class="meta">Waiting for the first reading of the views\u2026</p>
<p id="outside" class="meta" hidden></p>
<vscode-tabs id="tabs" selected-index="0">
<vscode-tab-header slot="header" id="tab-snacks">Snacks</vscode-tab-header>
<vscode-tab-panel>
<section aria-labelledby="answer-heading">
  <h2 id="answer-heading">How many items of each type were sold in total?</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-labelledby="answer-heading"><table id="answer"></table></div>
</section>
<section aria-labelledby="charts-heading">
  <div class="section-head">
    <h2 id="charts-heading">Over time</h2>
    <label class="window" for="window">Freshness and rates over the</label>
    <vscode-single-select id="window" aria-label="Window of the freshness percentiles and mean rates"></vscode-single-select>
  </div>
  <div id="charts" class="charts"></div>
</section>
</vscode-tab-panel>
<vscode-tab-header slot="header" id="tab-experiments">Experiments</vscode-tab-header>
<vscode-tab-panel>
<section id="experiments" aria-labelledby="experiments-heading">
  <div class="section-head">
    <h2 id="experiments-heading">Rate sweep: when does each pipeline choke, and why?</h2>
    <vscode-button id="run-sweep" icon="pulse" title="Step the generator's rate up on the running stacks">Run Rate Sweep\u2026</vscode-button>
    <vscode-button id="open-report" secondary icon="markdown" hidden>Open Report</vscode-button>
  </div>
  <div id="experiment"></div>
</section>
</vscode-tab-panel>
</vscode-tabs>`;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const table = byId<HTMLTableElement>('answer');
const charts = new Charts(byId('charts'));
const windowSelect = byId<HTMLElement & { value: string }>('window');
for (const w of WINDOWS) {
  const option = document.createElement('vscode-option');
  option.setAttribute('value', w.ms === null ? 'all' : String(w.ms));
  option.textContent = w.label;
  if (w.ms === state.windowMs) option.setAttribute('selected', '');
  windowSelect.append(option);
}

const post = (message: PageToHost) => vscode.postMessage(message);
byId('refresh').addEventListener('click', () => post({ type: 'refresh' }));
byId('export').addEventListener('click', () => post({ type: 'export' }));
byId('clear').addEventListener('click', () => post({ type: 'clearSeries' }));
byId('run-sweep').addEventListener('click', () => post({ type: 'runRateSweep' }));
byId('open-report').addEventListener('click', () => post({ type: 'openExperimentReport' }));
renderExperiment(byId('experiments'), null);
windowSelect.addEventListener('change', () => {
  state = { ...state, windowMs: windowSelect.value === 'all' ? null : Number(windowSelect.value) };
  vscode.setState(state);
  render();
});

function render(): void {
  const summary = summarize(points, state.windowMs ?? undefined);
  if (comparison) {
    renderTable(table, comparison, summary);
    renderStacks(comparison.stacks);
    byId('updated').textContent =
      `Read at ${new Date(comparison.at).toLocaleTimeString()}, every ${refreshMs / 1000} s while this panel is visible; ` + `${points.length} samples kept.`;
    const outside = byId('outside');
    outside.hidden = !comparison.outside;
    outside.textContent = comparison.outside ? outsideText(comparison.outside) : '';
  }
  charts.update(points);
}

/** Messages that reached the topic from elsewhere: part of the truth (valid ones), not pipeline errors. */
function outsideText({ valid, invalid }: { valid: number; invalid: number }): string {
  const total = valid + invalid;
  return (
    `${formatCount(total)} message${total === 1 ? '' : 's'} produced outside the generator (Produce Message, another client): ` +
    `${formatCount(valid)} valid, counted in the truth; ${formatCount(invalid)} invalid, which every job counts as invalid.`
  );
}

function renderStacks(stacks: Record<StackName, boolean>): void {
  const box = byId('stacks');
  box.replaceChildren(
    ...(['lambda', 'kappa'] as StackName[]).map((stack) => {
      const item = document.createElement('span');
      item.className = `stack ${stacks[stack] ? 'running' : 'stopped'}`;
      item.dataset.stack = stack;
      const icon = document.createElement('span');
      icon.className = `codicon ${stacks[stack] ? 'codicon-pass-filled' : 'codicon-circle-slash'}`;
      icon.setAttribute('aria-hidden', 'true');
      item.append(icon, ` ${STACK_LABELS[stack]} ${stacks[stack] ? 'running' : 'stopped'}`);
      if (!stacks[stack]) {
        const start = document.createElement('vscode-button');
        start.setAttribute('secondary', '');
        start.setAttribute('icon', 'play');
        start.textContent = `Start ${STACK_LABELS[stack]}`;
        start.addEventListener('click', () => post({ type: 'openStack', stack }));
        item.append(' ', start);
      }
      return item;
    }),
  );
}

function showError(message: string | null): void {
  const banner = byId('error');
  banner.hidden = message === null;
  (banner.querySelector('.text') as HTMLElement).textContent = message ?? '';
}

function notice(text: string): void {
  byId('notice').textContent = text;
}

function chartImages(): Partial<Record<ChartId, string>> {
  const images: Partial<Record<ChartId, string>> = {};
  for (const id of CHART_IDS) {
    const png = charts.png(id);
    if (png) images[id] = png;
  }
  return images;
}

function onMessage(message: HostToPage): void {
  switch (message.type) {
    case 'restore':
      points = message.points.slice(-DEFAULT_SERIES_CAPACITY);
      comparison = message.comparison;
      refreshMs = message.refreshMs;
      showError(message.error);
      render();
      break;
    case 'snapshot':
      points.push(message.point);
      if (points.length > DEFAULT_SERIES_CAPACITY) points.splice(0, points.length - DEFAULT_SERIES_CAPACITY);
      comparison = message.comparison;
      showError(null);
      render();
      break;
    case 'status':
      showError(message.error);
      break;
    case 'collectCharts':
      post({ type: 'charts', requestId: message.requestId, charts: chartImages(), windowMs: state.windowMs });
      break;
    case 'exported':
      notice(`Exported ${message.files.length} files to ${message.folder}.`);
      break;
    case 'exportFailed':
      notice(`Export failed: ${message.message}`);
      break;
    case 'experiment':
      renderExperiment(byId('experiments'), message.experiment);
      if (message.reveal) byId('tabs').setAttribute('selected-index', '1');
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostToPage(event.data)) onMessage(event.data);
});

// VS Code swaps the theme's variables on <html> and the theme kind class on <body>: redraw the charts in the new colours.
let rethemeTimer: number | undefined;
const themeObserver = new MutationObserver(() => {
  window.clearTimeout(rethemeTimer);
  rethemeTimer = window.setTimeout(() => charts.retheme(), 100);
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

vscode.setState(state);
post({ type: 'ready' });
