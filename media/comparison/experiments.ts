// The Experiments tab: the latest rate sweep (choke points with their reasons, the per-step table, the plots it
// wrote), and the buttons that run one and open its report. Built with DOM calls and textContent only.
import { formatCount, formatDuration, formatRate, formatSeconds } from '../../src/core/format';
import type { SweepView } from '../../src/core/experiments/sweepReport';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

export function renderExperiment(box: HTMLElement, experiment: SweepView | null): void {
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
  const table = el('table');
  table.id = 'sweep-steps';
  const head = el('tr');
  for (const h of ['Offered', 'Generator', 'Pipeline', 'Throughput', 'Freshness p95', 'Choking']) head.append(el('th', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const s of e.steps) {
    for (const p of s.pipelines) {
      const row = el('tr', undefined, p.choking ? 'choking' : undefined);
      row.append(
        el('td', formatRate(s.offeredRate)),
        el('td', formatRate(s.generatorRate)),
        el('td', p.label),
        el('td', formatRate(p.throughput)),
        el('td', formatSeconds(p.freshnessP95)),
        el('td', p.choking ? 'yes' : 'no'),
      );
      tbody.append(row);
    }
  }
  table.append(thead, tbody);
  const wrap = el('div', undefined, 'table-wrap');
  wrap.append(table);
  const plots = el('div', undefined, 'plots');
  for (const plot of e.plots) {
    const figure = el('figure');
    const image = el('img');
    image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(plot.svg)))}`;
    image.alt = plot.title;
    figure.append(image, el('figcaption', plot.title));
    plots.append(figure);
  }
  body.replaceChildren(meta, el('h3', 'Choke points'), chokes, wrap, plots, el('p', `Files: ${e.folder}`, 'meta'));
}
