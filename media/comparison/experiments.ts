// The Experiments tab: the latest experiment (a rate sweep's choke points with their reasons and per-step table, or
// a scale run's verdicts and per-setting table; the plots it wrote), and the buttons that run one and open its report. Built with DOM calls and textContent only.
import { formatCount, formatDuration, formatRate, formatSeconds } from '../../src/core/format';
import type { ExperimentView } from '../../src/core/experiments/experimentView';
import type { ScaleView } from '../../src/core/experiments/scaleReport';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

export function renderExperiment(box: HTMLElement, experiment: ExperimentView | null): void {
  const openReport = box.querySelector<HTMLElement>('#open-report');
  if (openReport) openReport.hidden = experiment === null;
  const body = box.querySelector<HTMLElement>('#experiment')!;
  if (!experiment) {
    body.replaceChildren(
      el(
        'p',
        'No experiment yet. Start a stack with its jobs, then run a rate sweep: the generator steps its rate up and holds each step, ' +
          'and Archlab finds where each pipeline chokes, and why.',
        'meta',
      ),
    );
    return;
  }
  if (experiment.kind === 'scale') {
    body.replaceChildren(...scaleParts(experiment));
    return;
  }
  const e = experiment;
  const meta = el(
    'p',
    `Rate sweep of ${new Date(e.startedAt).toLocaleString()} (${formatDuration(e.finishedAt - e.startedAt)}) on ${e.stacks.join(' and ')}: ` +
      `${e.steps.length} steps from ${formatCount(e.options.startRate)} events/s, ×${e.options.factor}, each held ${formatDuration(e.options.holdMs)}; ` +
      `${e.machine.cores} cores, load ${e.machine.loadAtStart.toFixed(2)} → ${e.machine.loadAtEnd.toFixed(2)}.` +
      (e.complete ? '' : ' Interrupted before its last step ended.'),
    'meta',
  );
  const chokes = el('ul');
  chokes.id = 'choke-points';
  for (const c of e.chokePoints) {
    const item = el('li');
    item.append(el('strong', c.label), ` chokes at ${formatCount(c.offeredRate)} events/s: ${c.reason}.`);
    chokes.append(item);
  }
  for (const p of e.keptUp) {
    const item = el('li');
    item.append(el('strong', p), ' kept up at every step.');
    chokes.append(item);
  }
  const wrap = tableOf(
    'sweep-steps',
    ['Offered', 'Generator', 'Pipeline', 'Throughput', 'Freshness p95', 'Choking'],
    e.steps.flatMap((s) =>
      s.pipelines.map((p) => ({
        className: p.choking ? 'choking' : undefined,
        cells: [
          formatRate(s.offeredRate),
          formatRate(s.generatorRate),
          p.label,
          formatRate(p.throughput),
          formatSeconds(p.freshnessP95),
          p.choking ? 'yes' : 'no',
        ],
      })),
    ),
  );
  body.replaceChildren(meta, el('h3', 'Choke points'), chokes, wrap, plotsOf(e.plots), el('p', `Files: ${e.folder}`, 'meta'));
}

function scaleParts(e: ScaleView): HTMLElement[] {
  const meta = el(
    'p',
    `Scale experiment of ${new Date(e.startedAt).toLocaleString()} (${formatDuration(e.finishedAt - e.startedAt)}) on ${e.stacks.join(' and ')}: ` +
      `a backlog of ${formatCount(e.backlogEvents)} events counted under each setting; ${e.machine.cores} cores, ` +
      `load ${e.machine.loadAtStart.toFixed(2)} → ${e.machine.loadAtEnd.toFixed(2)}.` +
      (e.complete ? '' : ' Interrupted before its last setting ended.'),
    'meta',
  );
  const verdicts = el('ul');
  verdicts.id = 'scale-verdicts';
  for (const c of e.comparisons) {
    const item = el('li');
    item.append(el('strong', `${c.label}, ${c.setting}: ${c.verdict}.`), ` ${c.reason}.`);
    verdicts.append(item);
  }
  const wrap = tableOf(
    'scale-settings',
    ['Setting', 'Pipeline', 'Start-up', 'To exact', 'Throughput', 'Workers CPU'],
    e.rows.map((r) => ({
      cells: [
        r.setting,
        r.label,
        formatSeconds(r.startupMs),
        r.caughtUp ? formatSeconds(r.timeToExactMs) : 'not caught up',
        formatRate(r.throughput),
        r.workerCpuMean === undefined ? '–' : `${r.workerCpuMean.toFixed(2)} cores`,
      ],
    })),
  );
  return [meta, el('h3', 'What each setting changed'), verdicts, wrap, plotsOf(e.plots), el('p', `Files: ${e.folder}`, 'meta')];
}

function plotsOf(plots: ExperimentView['plots']): HTMLElement {
  const box = el('div', undefined, 'plots');
  for (const plot of plots) {
    const figure = el('figure');
    const image = el('img');
    image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(plot.svg)))}`;
    image.alt = plot.title;
    figure.append(image, el('figcaption', plot.title));
    box.append(figure);
  }
  return box;
}

/** A scrollable table of text cells. */
function tableOf(id: string, headers: string[], rows: { cells: string[]; className?: string }[]): HTMLElement {
  const table = el('table');
  table.id = id;
  const head = el('tr');
  for (const h of headers) head.append(el('th', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const r of rows) {
    const row = el('tr', undefined, r.className);
    row.append(...r.cells.map((c) => el('td', c)));
    tbody.append(row);
  }
  table.append(thead, tbody);
  const wrap = el('div', undefined, 'table-wrap');
  wrap.append(table);
  return wrap;
}
