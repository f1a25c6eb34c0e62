// The per-snack table: truth and every pipeline's count, with differences marked by an icon and a sign
// (not only by colour), and per-pipeline totals, accuracy, freshness and throughput in the footer.
import {
  COMPLETE_PIPELINES,
  isPartial,
  PIPELINE_LABELS,
  PIPELINE_STACK,
  PIPELINES,
  STACK_LABELS,
  type Comparison,
  type Pipeline,
} from '../../src/core/comparison';
import { formatAccuracy, formatCount, formatDifference, formatRate, formatSeconds } from '../../src/core/format';
import type { SeriesSummary } from '../../src/core/comparisonSeries';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  node.append(...children);
  return node;
}

function icon(name: string, label?: string): HTMLElement {
  const span = el('span', { className: `codicon codicon-${name}` });
  if (label) {
    span.setAttribute('role', 'img');
    span.setAttribute('aria-label', label);
  } else {
    span.setAttribute('aria-hidden', 'true');
  }
  return span;
}

/** "3 fewer than the truth" etc., for tooltips and screen readers. */
function differenceWords(difference: number): string {
  if (difference === 0) return 'equals the truth';
  const amount = formatCount(Math.abs(difference));
  return difference < 0 ? `${amount} fewer than the truth` : `${amount} more than the truth`;
}

/** A count with its difference from the truth: "115 ↓ −5" (warning style), "120 ✓", or just the count. */
function countCell(pipeline: Pipeline, snack: string, count: number | null, difference: number | null): HTMLTableCellElement {
  const td = el('td', { className: 'num' });
  td.dataset.pipeline = pipeline;
  td.dataset.snack = snack;
  if (count === null) {
    td.classList.add('missing');
    td.append(
      el('span', { className: 'count', text: '\u2014', title: 'No data: this view has no rows' }),
      el('span', { className: 'sr-only', text: 'no data' }),
    );
    return td;
  }
  td.append(el('span', { className: 'count', text: formatCount(count) }));
  if (difference === null) return td;
  td.dataset.difference = String(difference);
  if (difference === 0) {
    td.append(' ', icon('check', 'equals the truth'));
  } else {
    td.classList.add('differs');
    td.title = differenceWords(difference);
    td.append(
      ' ',
      el('span', { className: 'diff' }, icon(difference < 0 ? 'arrow-down' : 'arrow-up'), formatDifference(difference)),
      el('span', { className: 'sr-only', text: `, ${differenceWords(difference)}` }),
    );
  }
  return td;
}

function headerCell(pipeline: Pipeline, comparison: Comparison): HTMLTableCellElement {
  const th = el('th', { text: PIPELINE_LABELS[pipeline] });
  th.scope = 'col';
  th.dataset.pipeline = pipeline;
  if (isPartial(pipeline)) th.append(el('span', { className: 'sub', text: 'since the batch cut-off' }));
  const version = comparison.totals[pipeline].version;
  if (version !== undefined) th.append(el('span', { className: 'sub', text: `version ${version}` }));
  const stack = PIPELINE_STACK[pipeline];
  if (stack && !comparison.stacks[stack]) {
    th.classList.add('stopped');
    th.append(el('span', { className: 'sub' }, icon('circle-slash'), ` ${STACK_LABELS[stack]} stopped`));
  }
  return th;
}

interface FooterRow {
  label: string;
  key: string;
  value(pipeline: Pipeline): string;
  truth?: string;
}

export function renderTable(table: HTMLTableElement, comparison: Comparison, summary: SeriesSummary): void {
  const head = el('tr');
  const snackHeader = el('th', { text: 'Snack' });
  snackHeader.scope = 'col';
  const truthHeader = el('th', { text: 'Truth' }, el('span', { className: 'sub', text: 'in the topic' }));
  truthHeader.scope = 'col';
  head.append(snackHeader, truthHeader, ...PIPELINES.map((p) => headerCell(p, comparison)));

  const body = comparison.rows.map((row) => {
    const th = el('th', { text: row.snack });
    th.scope = 'row';
    const truth = el('td', { className: 'num truth', text: formatCount(row.truth) });
    truth.dataset.snack = row.snack;
    return el('tr', {}, th, truth, ...PIPELINES.map((p) => countCell(p, row.snack, row.cells[p].count, row.cells[p].difference)));
  });

  const totals = comparison.totals;
  const complete = (p: Pipeline, text: string) => (isPartial(p) || !totals[p].present ? '\u2014' : text);
  const tracked = (p: Pipeline, text: string) => (COMPLETE_PIPELINES.includes(p) ? text : '\u2014');
  const footer: FooterRow[] = [
    { label: '\u03a3 |difference|', key: 'absoluteError', value: (p) => complete(p, formatCount(totals[p].absoluteError)) },
    { label: 'Accuracy', key: 'accuracy', value: (p) => complete(p, formatAccuracy(totals[p].accuracy)) },
    { label: 'Freshness p50', key: 'freshnessP50', value: (p) => tracked(p, formatSeconds(summary.pipelines[p].freshnessP50)) },
    { label: 'Freshness p95', key: 'freshnessP95', value: (p) => tracked(p, formatSeconds(summary.pipelines[p].freshnessP95)) },
    {
      label: 'Counted per second',
      key: 'rateOut',
      value: (p) => tracked(p, formatRate(summary.pipelines[p].rateOutMean)),
      truth: formatRate(summary.rateInMean),
    },
    { label: 'Invalid skipped', key: 'invalid', value: (p) => (totals[p].invalid === undefined ? '\u2014' : formatCount(totals[p].invalid)) },
  ];
  const totalRow = el(
    'tr',
    { className: 'total' },
    rowHeader('Total'),
    el('td', { className: 'num truth', text: formatCount(comparison.truthTotal) }),
    ...PIPELINES.map((p) => countCell(p, 'total', totals[p].total, totals[p].difference)),
  );
  const footRows = footer.map((row) =>
    el(
      'tr',
      {},
      rowHeader(row.label),
      el('td', { className: 'num', text: row.truth ?? '' }),
      ...PIPELINES.map((p) => {
        const td = el('td', { className: 'num', text: row.value(p) });
        td.dataset.pipeline = p;
        td.dataset.row = row.key;
        return td;
      }),
    ),
  );

  const caption = el(
    'caption',
    { text: "Per snack: the generator's truth and what each view counted. " },
    el(
      'span',
      { className: 'legend' },
      icon('check'),
      ' equals the truth, ',
      icon('arrow-down'),
      ' fewer or ',
      icon('arrow-up'),
      ' more than the truth (count \u2212 truth), \u2014 no data.',
    ),
  );
  table.replaceChildren(caption, el('thead', {}, head), el('tbody', {}, ...body), el('tfoot', {}, totalRow, ...footRows));
}

function rowHeader(text: string): HTMLTableCellElement {
  const th = el('th', { text });
  th.scope = 'row';
  return th;
}
