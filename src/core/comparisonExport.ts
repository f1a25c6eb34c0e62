// Exports of the comparison: CSV of the time series, JSON of the series with its summary, and a Markdown report
// that answers the lab's question with the measured figures only. Pure: the host writes the files.
import {
  ANSWER_VIEW,
  COMPLETE_PIPELINES,
  containerStack,
  isPartial,
  PIPELINE_LABELS,
  PIPELINES,
  STACK_LABELS,
  type Comparison,
  type Pipeline,
  type StackName,
} from './comparison';
import { formatAccuracy, formatBytes, formatCount, formatDifference, formatRate, formatSeconds, formatWindow } from './format';
import type { SeriesPoint, SeriesSummary } from './comparisonSeries';

export const EXPORT_FILES = {
  csv: 'comparison-timeseries.csv',
  json: 'comparison.json',
  report: 'comparison-report.md',
} as const;

/** The charts the page draws, and the PNG each becomes in an export. */
export const CHARTS = {
  counts: { title: 'Counts', file: 'comparison-counts.png' },
  freshness: { title: 'Freshness', file: 'comparison-freshness.png' },
  throughput: { title: 'Throughput', file: 'comparison-throughput.png' },
  cpu: { title: 'Container CPU', file: 'comparison-cpu.png' },
  memory: { title: 'Container memory', file: 'comparison-memory.png' },
} as const;
export type ChartId = keyof typeof CHARTS;
export const CHART_IDS = Object.keys(CHARTS) as ChartId[];

export const LAB_QUESTION = 'How many items of each type were sold in total?';

/** Column names of the CSV, e.g. lambda_serving_total. */
export const PIPELINE_KEYS: Readonly<Record<Pipeline, string>> = {
  validation: 'validation',
  lambdaBatch: 'lambda_batch',
  lambdaSpeed: 'lambda_speed',
  lambdaServing: 'lambda_serving',
  kappa: 'kappa',
};

/**
 * One header row, then one row per sample, oldest first. Empty cell: unknown. Rates in events/s and freshness in
 * seconds, rounded to 3 decimals; container columns (cpu_percent:<name>, memory_bytes:<name>) for every container
 * seen in the series.
 */
export function timeSeriesCsv(points: readonly SeriesPoint[]): string {
  const containers = [...new Set(points.flatMap((p) => (p.containers ?? []).map((c) => c.name)))].sort();
  const header = ['time', 'at_ms', 'produced_total', 'produced_per_s'];
  for (const pipeline of PIPELINES) header.push(`${PIPELINE_KEYS[pipeline]}_total`);
  for (const pipeline of COMPLETE_PIPELINES) header.push(`${PIPELINE_KEYS[pipeline]}_per_s`, `${PIPELINE_KEYS[pipeline]}_freshness_s`);
  header.push('lambda_running', 'kappa_running');
  for (const name of containers) header.push(`cpu_percent:${name}`, `memory_bytes:${name}`);
  const rows = points.map((p) => {
    const row: string[] = [new Date(p.at).toISOString(), String(p.at), num(p.produced), num(p.rateIn, 3)];
    for (const pipeline of PIPELINES) row.push(num(p.totals[pipeline]));
    for (const pipeline of COMPLETE_PIPELINES) {
      const fresh = p.freshness[pipeline];
      row.push(num(p.rateOut[pipeline], 3), num(fresh === undefined ? undefined : fresh / 1000, 3));
    }
    row.push(String(p.stacks.lambda), String(p.stacks.kappa));
    for (const name of containers) {
      const sample = p.containers?.find((c) => c.name === name);
      row.push(num(sample?.cpuPercent, 3), num(sample?.memoryBytes));
    }
    return row;
  });
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export interface ComparisonExport {
  format: 'archlab-comparison';
  version: 1;
  exportedAt: string;
  question: string;
  /** The comparison of the latest snapshot, per snack. */
  latest: Comparison | null;
  summary: SeriesSummary;
  series: SeriesPoint[];
}

export function comparisonJson(input: {
  comparison: Comparison | undefined;
  summary: SeriesSummary;
  points: readonly SeriesPoint[];
  exportedAt: number;
}): string {
  const document: ComparisonExport = {
    format: 'archlab-comparison',
    version: 1,
    exportedAt: new Date(input.exportedAt).toISOString(),
    question: LAB_QUESTION,
    latest: input.comparison ?? null,
    summary: input.summary,
    series: [...input.points],
  };
  return JSON.stringify(document, null, 2) + '\n';
}

export interface ReportInput {
  comparison: Comparison | undefined;
  summary: SeriesSummary;
  points: readonly SeriesPoint[];
  /** The chart images written next to the report. */
  charts: readonly ChartId[];
  generatedAt: number;
}

/** A Markdown report: the question and its answer, accuracy, freshness, throughput, Lambda vs Kappa, the charts. */
export function markdownReport(input: ReportInput): string {
  const { comparison, summary } = input;
  const out: string[] = [];
  out.push('# Archlab comparison report', '');
  out.push(`Generated ${iso(input.generatedAt)}. ${seriesSentence(summary)}`, '');
  out.push("## The lab's question", '', `> ${LAB_QUESTION}`, '');
  if (!comparison) {
    out.push('No snapshot of the views was read: there is nothing to report yet.', '');
  } else {
    out.push(...answer(comparison), '');
    out.push('## Accuracy', '', accuracyDefinition, '');
    out.push(
      ...markdownTable(
        ['Pipeline', 'Total', 'Difference', '\u03a3 |difference|', 'Accuracy', 'Invalid skipped'],
        PIPELINES.map((p) => {
          const t = comparison.totals[p];
          if (!t.present) return [PIPELINE_LABELS[p], 'no data', '', '', '', ''];
          return [
            PIPELINE_LABELS[p],
            formatCount(t.total),
            t.partial ? 'partial view' : formatDifference(t.difference),
            t.partial ? '' : formatCount(t.absoluteError),
            t.partial ? 'n/a (partial)' : formatAccuracy(t.accuracy),
            t.invalid === undefined ? '' : formatCount(t.invalid),
          ];
        }),
      ),
      '',
    );
  }
  out.push('## Freshness', '', freshnessDefinition(summary), '');
  out.push(
    ...markdownTable(
      ['Pipeline', 'p50', 'p95', 'Samples'],
      COMPLETE_PIPELINES.map((p) => {
        const s = summary.pipelines[p];
        return [PIPELINE_LABELS[p], formatSeconds(s.freshnessP50), formatSeconds(s.freshnessP95), String(s.freshnessSamples)];
      }),
    ),
    '',
  );
  out.push('## Throughput', '', 'Events per second, time-weighted mean and highest sample over the same samples.', '');
  out.push(
    ...markdownTable(
      ['Stream', 'Mean', 'Highest'],
      [
        ['Produced (in)', formatRate(summary.rateInMean), formatRate(summary.rateInMax)],
        ...COMPLETE_PIPELINES.map((p) => [
          `${PIPELINE_LABELS[p]} (out)`,
          formatRate(summary.pipelines[p].rateOutMean),
          formatRate(summary.pipelines[p].rateOutMax),
        ]),
      ],
    ),
    '',
  );
  out.push(...lambdaVersusKappa(input), '');
  if (input.charts.length > 0) {
    out.push('## Charts', '');
    for (const id of input.charts) out.push(`![${CHARTS[id].title}](${CHARTS[id].file})`, '');
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

const accuracyDefinition =
  'Accuracy = 1 \u2212 \u03a3 |count \u2212 truth| / \u03a3 truth over the snacks (over- and under-counts do not cancel), ' +
  'rounded down, so 100.00 % means every snack equals the truth. The speed layer counts only what follows the batch cut-off, ' +
  'so it is not compared with the truth.';

function freshnessDefinition(summary: SeriesSummary): string {
  return (
    'Freshness is how long the oldest produced event a view does not reflect yet has been waiting (0 when the view has ' +
    'counted everything produced), from the produced-count and view-count series; p50 and p95 (nearest rank) over ' +
    `${formatWindow(summary.windowMs)}, on the samples where the view was behind or events were being produced.`
  );
}

function seriesSentence(summary: SeriesSummary): string {
  if (summary.samples === 0 || summary.from === null || summary.to === null) return 'The series is empty.';
  return `Figures from ${summary.samples} samples between ${iso(summary.from)} and ${iso(summary.to)}.`;
}

function answer(c: Comparison): string[] {
  const lines: string[] = [];
  const served = (Object.keys(ANSWER_VIEW) as StackName[]).filter((s) => c.totals[ANSWER_VIEW[s]].present);
  if (c.truthTotal === null) {
    lines.push("The generator's source truth is not known for this snapshot, so the views cannot be checked against it.", '');
  } else {
    const items = c.rows.map((r) => `${r.snack} ${formatCount(r.truth)}`).join(', ');
    lines.push(`**Answer** (the generator's source truth at ${iso(c.at)}, ${formatCount(c.truthTotal)} items): ${items}.`, '');
  }
  const columns: Pipeline[] = ['validation', 'lambdaBatch', 'lambdaSpeed', 'lambdaServing', 'kappa'];
  lines.push(
    ...markdownTable(
      ['Snack', 'Truth', ...columns.map((p) => PIPELINE_LABELS[p])],
      [
        ...c.rows.map((r) => [r.snack, formatCount(r.truth), ...columns.map((p) => cellText(r.cells[p].count, r.cells[p].difference, isPartial(p)))]),
        ['**Total**', formatCount(c.truthTotal), ...columns.map((p) => cellText(c.totals[p].total, c.totals[p].difference, isPartial(p)))],
      ],
    ),
    '',
  );
  lines.push('A difference from the truth is shown in brackets (count \u2212 truth); "no data" means the view had no rows.');
  if (served.length === 0) lines.push('', 'Neither architecture served counts in this snapshot.');
  return lines;
}

function cellText(count: number | null, difference: number | null, partial: boolean): string {
  if (count === null) return 'no data';
  if (partial || difference === null) return formatCount(count);
  return difference === 0 ? formatCount(count) : `${formatCount(count)} (${formatDifference(difference)})`;
}

function lambdaVersusKappa(input: ReportInput): string[] {
  const { comparison: c, summary } = input;
  const stacks: StackName[] = ['lambda', 'kappa'];
  const last = input.points[input.points.length - 1];
  const usage = (stack: StackName) => {
    const containers = (last?.containers ?? []).filter((x) => containerStack(x.name) === stack);
    if (containers.length === 0) return 'n/a';
    const cpu = containers.reduce((s, x) => s + x.cpuPercent, 0);
    const memory = containers.reduce((s, x) => s + x.memoryBytes, 0);
    return `${cpu.toFixed(1)} % / ${formatBytes(memory)} (${containers.length} container${containers.length === 1 ? '' : 's'})`;
  };
  const out: string[] = ['## Lambda vs Kappa, as measured', ''];
  out.push(
    ...markdownTable(
      ['', ...stacks.map((s) => STACK_LABELS[s])],
      [
        ['Served view', ...stacks.map((s) => PIPELINE_LABELS[ANSWER_VIEW[s]])],
        ['Stack running at the last snapshot', ...stacks.map((s) => (c ? (c.stacks[s] ? 'yes' : 'no') : 'n/a'))],
        ['Served total', ...stacks.map((s) => (c ? formatCount(c.totals[ANSWER_VIEW[s]].total) : 'n/a'))],
        ['\u03a3 |difference| from the truth', ...stacks.map((s) => (c ? formatCount(c.totals[ANSWER_VIEW[s]].absoluteError) : 'n/a'))],
        ['Accuracy', ...stacks.map((s) => (c ? formatAccuracy(c.totals[ANSWER_VIEW[s]].accuracy) : 'n/a'))],
        [
          'Freshness p50 / p95',
          ...stacks.map(
            (s) => `${formatSeconds(summary.pipelines[ANSWER_VIEW[s]].freshnessP50)} / ${formatSeconds(summary.pipelines[ANSWER_VIEW[s]].freshnessP95)}`,
          ),
        ],
        ['Counted per second (mean)', ...stacks.map((s) => formatRate(summary.pipelines[ANSWER_VIEW[s]].rateOutMean))],
        ['Containers CPU / memory (last sample)', ...stacks.map(usage)],
      ],
    ),
    '',
  );
  if (!c) return out;
  const lambda = c.totals.lambdaServing;
  const kappa = c.totals.kappa;
  for (const stack of stacks) {
    const t = c.totals[ANSWER_VIEW[stack]];
    const name = PIPELINE_LABELS[ANSWER_VIEW[stack]];
    if (!t.present) out.push(`- ${name}: no data in this snapshot${c.stacks[stack] ? '' : ' (the stack was not running)'}, so it is not compared.`);
    else if (t.exact === null) out.push(`- ${name}: served ${formatCount(t.total)} items; without the source truth they cannot be checked.`);
    else if (t.exact) out.push(`- ${name}: served exactly the source truth for every snack (${formatCount(t.total)} items).`);
    else
      out.push(
        `- ${name}: served ${formatCount(t.total)} items, ${formatCount(t.absoluteError)} off the source truth over all snacks (net ${formatDifference(t.difference)}), accuracy ${formatAccuracy(t.accuracy)}.`,
      );
  }
  const lp50 = summary.pipelines.lambdaServing.freshnessP50;
  const kp50 = summary.pipelines.kappa.freshnessP50;
  if (lambda.present && kappa.present && lp50 !== null && kp50 !== null) {
    const delta = kp50 - lp50;
    const relation =
      Math.abs(delta) < 5 ? 'the same (within 0.01 s) as' : delta < 0 ? `${formatSeconds(-delta)} lower than` : `${formatSeconds(delta)} higher than`;
    out.push(`- Median freshness: Kappa ${formatSeconds(kp50)}, Lambda serving ${formatSeconds(lp50)}: Kappa's is ${relation} Lambda's.`);
  }
  const batch = c.totals.lambdaBatch;
  const speed = c.totals.lambdaSpeed;
  if (batch.present && lambda.present) {
    out.push(
      `- Lambda's batch view${batch.version === undefined ? '' : ` (version ${batch.version})`} held ${formatCount(batch.total)} items (${formatDifference(batch.difference)} against the truth, freshness p50 ${formatSeconds(summary.pipelines.lambdaBatch.freshnessP50)}); ` +
        `the speed layer held ${speed.present ? formatCount(speed.total) : 'no'} items since the cut-off, and serving ${formatCount(lambda.total)}.`,
    );
  }
  if (c.totals.validation.present && c.totals.validation.exact !== null) {
    out.push(
      `- The validation consumer (no Spark) ${c.totals.validation.exact ? 'matched the source truth exactly' : `was ${formatCount(c.totals.validation.absoluteError)} off the source truth`}.`,
    );
  }
  return out;
}

/** A Markdown table's lines. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function num(value: number | null | undefined, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return decimals === undefined ? String(value) : String(Number(value.toFixed(decimals)));
}

export function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
