// A rate sweep's files: the raw series as CSV, the per-step figures as CSV, the plots (Vega-Lite specifications,
// drawn by the charts client) and a Markdown report. Every figure is computed from the run's own record.
import { PIPELINE_LABELS, type Pipeline } from '../comparison';
import { csvCell, markdownTable, num, PIPELINE_KEYS } from '../comparisonExport';
import { formatBytes, formatCount, formatDuration, formatRate, formatSeconds } from '../format';
import type { RateSweepResult } from './sweepResult';

export const SWEEP_FILES = {
  result: 'rate-sweep.json',
  series: 'rate-sweep-series.csv',
  containers: 'rate-sweep-containers.csv',
  steps: 'rate-sweep-steps.csv',
  report: 'rate-sweep-report.md',
} as const;

/** One row per sample: the offered rate, the generator's acknowledged events, and per pipeline its counts. */
export function sweepSeriesCsv(result: RateSweepResult): string {
  const pipelines = pipelinesOf(result);
  const header = ['at_ms', 'step', 'offered_per_s', 'generator_acked', 'produced', 'load_average'];
  for (const p of pipelines) header.push(`${PIPELINE_KEYS[p]}_processed`, `${PIPELINE_KEYS[p]}_lag`, `${PIPELINE_KEYS[p]}_freshness_ms`);
  const rows = result.samples.map((s) => {
    const row = [String(s.at), String(s.step), String(s.offeredRate), String(s.generatorAcked), num(s.produced), num(s.load, 2)];
    for (const p of pipelines) {
      const f = s.pipelines[p];
      row.push(num(f?.processed), num(f?.lag), num(f?.freshnessMs, 1));
    }
    return row;
  });
  return csv([header, ...rows]);
}

/** One row per sample and container: CPU in cores, memory and its limit in bytes. */
export function sweepContainersCsv(result: RateSweepResult): string {
  const rows = result.samples.flatMap((s) =>
    s.containers.map((c) => [String(s.at), String(s.step), c.name, num(c.cpuCores, 3), String(c.memoryBytes), num(c.memoryLimitBytes)]),
  );
  return csv([['at_ms', 'step', 'container', 'cpu_cores', 'memory_bytes', 'memory_limit_bytes'], ...rows]);
}

/** One row per step and pipeline: what it sustained, how its lag moved, its freshness, whether it choked. */
export function sweepStepsCsv(result: RateSweepResult): string {
  const rows = result.steps.flatMap((s) =>
    s.pipelines.map((p) => [
      String(s.step.index),
      String(s.step.offeredRate),
      num(s.generatorRate, 1),
      PIPELINE_KEYS[p.pipeline as Pipeline] ?? p.pipeline,
      num(p.throughput, 1),
      num(p.lagSlope, 1),
      num(p.freshnessP50, 1),
      num(p.freshnessP95, 1),
      String(p.choking),
    ]),
  );
  return csv([
    ['step', 'offered_per_s', 'generator_per_s', 'pipeline', 'throughput_per_s', 'lag_slope_per_s', 'freshness_p50_ms', 'freshness_p95_ms', 'choking'],
    ...rows,
  ]);
}

export interface SweepChart {
  id: string;
  title: string;
  file: string;
  /** A Vega-Lite specification with its data inlined. */
  spec: Record<string, unknown>;
}

const label = (pipeline: string) => PIPELINE_LABELS[pipeline as Pipeline] ?? pipeline;

/** The plots of the report: throughput and freshness against the offered rate, lag, CPU and memory over time. */
export function sweepCharts(result: RateSweepResult): SweepChart[] {
  const start = result.samples[0]?.at ?? result.startedAt;
  const seconds = (at: number) => Math.round((at - start) / 100) / 10;
  const perStep = result.steps.flatMap((s) =>
    s.pipelines.map((p) => ({
      offered: s.step.offeredRate,
      pipeline: label(p.pipeline),
      throughput: p.throughput,
      p50: p.freshnessP50 === undefined ? null : p.freshnessP50 / 1000,
      p95: p.freshnessP95 === undefined ? null : p.freshnessP95 / 1000,
    })),
  );
  const generator = result.steps.map((s) => ({ offered: s.step.offeredRate, pipeline: 'Generator (acknowledged)', throughput: s.generatorRate }));
  const lag = result.samples.flatMap((s) => Object.entries(s.pipelines).map(([p, f]) => ({ t: seconds(s.at), pipeline: label(p), lag: f?.lag ?? null })));
  const loads = result.samples.flatMap((s) =>
    s.containers.map((c) => ({ t: seconds(s.at), container: c.name, cpu: c.cpuCores, memory: c.memoryBytes / 2 ** 20 })),
  );
  const overTime = (id: string, title: string, values: unknown[], field: string, axis: string, series: string, heading: string): SweepChart => ({
    id,
    title,
    file: `rate-sweep-${id}.svg`,
    spec: line(
      values,
      { field: 't', type: 'quantitative', title: 'seconds since the start' },
      { field, type: 'quantitative', title: axis },
      { field: series, type: 'nominal' },
      heading,
    ),
  });
  const logRate = { field: 'offered', type: 'quantitative', title: 'offered events/s', scale: { type: 'log' } };
  const line = (values: unknown[], x: object, y: object, color: object, title: string) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 560,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: { x, y, color },
  });
  return [
    {
      id: 'throughput',
      title: 'Throughput against the offered rate',
      file: 'rate-sweep-throughput.svg',
      spec: line(
        [...perStep, ...generator],
        logRate,
        { field: 'throughput', type: 'quantitative', title: 'events/s counted', scale: { type: 'log' } },
        { field: 'pipeline', type: 'nominal' },
        'Throughput per pipeline (events/s) against the offered rate',
      ),
    },
    {
      id: 'freshness',
      title: 'Freshness p95 against the offered rate',
      file: 'rate-sweep-freshness.svg',
      spec: line(
        perStep.filter((r) => r.p95 !== null),
        logRate,
        { field: 'p95', type: 'quantitative', title: 'freshness p95 (s)' },
        { field: 'pipeline', type: 'nominal' },
        `Freshness p95 (s); the limit is ${result.options.freshnessLimitMs / 1000} s`,
      ),
    },
    overTime('lag', 'Lag over time', lag, 'lag', 'events not counted yet', 'pipeline', 'Lag per pipeline (events produced, not counted yet)'),
    overTime('cpu', 'CPU per container', loads, 'cpu', 'cores', 'container', 'CPU per container (cores)'),
    overTime('memory', 'Memory per container', loads, 'memory', 'MiB', 'container', 'Memory per container (MiB)'),
  ];
}

/** The report: the question, the machine, the plan, per step and pipeline the figures, the choke points, the plots. */
export function sweepMarkdown(result: RateSweepResult, charts: readonly Pick<SweepChart, 'title' | 'file'>[] = []): string {
  const o = result.options;
  const m = result.machine;
  const out = [
    '# Rate sweep: when does each pipeline choke, and why?',
    '',
    `Run from ${new Date(result.startedAt).toISOString()} to ${new Date(result.finishedAt).toISOString()} ` +
      `(${formatDuration(result.finishedAt - result.startedAt)}) on ${m.cores} cores and ${formatBytes(m.memoryBytes)} (${m.platform}); ` +
      `load average ${m.loadAtStart.toFixed(2)} at the start, ${m.loadAtEnd.toFixed(2)} at the end. Stacks: ${result.stacks.join(', ') || 'none'}.`,
    '',
    `Plan: ${result.steps.length} of ${o.steps} steps from ${formatCount(o.startRate)} events/s, ×${o.factor} per step, ` +
      `each held ${formatDuration(o.holdMs)}; seed ${result.seed}. A pipeline chokes at a step when its lag grows faster than a tenth ` +
      `of the offered rate per second, or its freshness p95 passes ${formatSeconds(o.freshnessLimitMs)}. ` +
      `The first quarter of each step is left out of its figures (the backlog settles to the new rate there).` +
      (result.complete ? '' : ' **The run was interrupted before its last step ended.**'),
    '',
    '## Choke points',
    '',
  ];
  if (result.chokePoints.length === 0) out.push('No pipeline choked at any step.');
  for (const c of result.chokePoints)
    out.push(`- **${label(c.pipeline)}** chokes at ${formatCount(c.step.offeredRate)} events/s (step ${c.step.index + 1}): ${c.reason}.`);
  for (const p of result.keptUp)
    out.push(`- **${label(p)}** kept up at every step, up to ${formatCount(result.steps[result.steps.length - 1]?.step.offeredRate)} events/s.`);
  const top = result.steps[result.steps.length - 1];
  if (top && top.generatorRate < 0.9 * top.step.offeredRate) {
    out.push('', `The generator reached only ${formatRate(top.generatorRate)} of the top step's ${formatRate(top.step.offeredRate)}: it was the limit there.`);
  }
  out.push('', '## Per step', '');
  out.push(
    ...markdownTable(
      ['Offered', 'Generator', 'Pipeline', 'Throughput', 'Lag slope', 'Freshness p50', 'Freshness p95', 'Choking'],
      result.steps.flatMap((s) =>
        s.pipelines.map((p) => [
          formatRate(s.step.offeredRate),
          formatRate(s.generatorRate),
          label(p.pipeline),
          formatRate(p.throughput),
          formatRate(p.lagSlope),
          formatSeconds(p.freshnessP50),
          formatSeconds(p.freshnessP95),
          p.choking ? 'yes' : 'no',
        ]),
      ),
    ),
  );
  if (charts.length > 0) {
    out.push('', '## Plots', '');
    for (const chart of charts) out.push(`![${chart.title}](${chart.file})`, '');
  }
  out.push(
    '',
    `Raw series: \`${SWEEP_FILES.series}\` (one row per sample), \`${SWEEP_FILES.containers}\` (CPU and memory per container), ` +
      `\`${SWEEP_FILES.steps}\` (the table above), \`${SWEEP_FILES.result}\` (everything).`,
  );
  return `${out.join('\n').trimEnd()}\n`;
}

/** What the comparison panel's Experiments tab shows of a sweep: its figures and its plots (SVG text). */
export interface SweepView {
  kind: 'rate-sweep';
  folder: string;
  startedAt: number;
  finishedAt: number;
  complete: boolean;
  machine: RateSweepResult['machine'];
  options: RateSweepResult['options'];
  stacks: string[];
  chokePoints: { pipeline: string; label: string; offeredRate: number; reason: string }[];
  keptUp: string[];
  steps: { offeredRate: number; generatorRate: number; pipelines: { label: string; throughput: number; freshnessP95?: number; choking: boolean }[] }[];
  plots: { title: string; svg: string }[];
}

export function sweepView(result: RateSweepResult, folder: string, plots: SweepView['plots']): SweepView {
  return {
    kind: 'rate-sweep',
    folder,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    complete: result.complete,
    machine: result.machine,
    options: result.options,
    stacks: result.stacks,
    chokePoints: result.chokePoints.map((c) => ({ pipeline: c.pipeline, label: label(c.pipeline), offeredRate: c.step.offeredRate, reason: c.reason })),
    keptUp: result.keptUp.map(label),
    steps: result.steps.map((s) => ({
      offeredRate: s.step.offeredRate,
      generatorRate: s.generatorRate,
      pipelines: s.pipelines.map((p) => ({ label: label(p.pipeline), throughput: p.throughput, freshnessP95: p.freshnessP95, choking: p.choking })),
    })),
    plots,
  };
}

function pipelinesOf(result: RateSweepResult): Pipeline[] {
  return [...new Set(result.samples.flatMap((s) => Object.keys(s.pipelines)))] as Pipeline[];
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
