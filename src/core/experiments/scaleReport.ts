// A scale run's files: the table per setting and pipeline (CSV), the raw progress series (CSV), the plots
// (Vega-Lite) and a Markdown report. Every figure is computed from the run's own record.
import { PIPELINE_LABELS, type Pipeline } from '../comparison';
import { csvCell, markdownTable, num, PIPELINE_KEYS } from '../comparisonExport';
import { formatBytes, formatCount, formatDuration, formatRate, formatSeconds } from '../format';
import type { ScaleResult } from './scaleResult';
import type { SweepChart } from './sweepReport';

export const SCALE_FILES = {
  result: 'scale.json',
  settings: 'scale-settings.csv',
  series: 'scale-series.csv',
  report: 'scale-report.md',
} as const;

const label = (pipeline: string) => PIPELINE_LABELS[pipeline as Pipeline] ?? pipeline;
const csv = (rows: string[][]) => `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;

/** One row per setting and pipeline: the setting, its start-up, catch-up and throughput, the workers' CPU and memory. */
export function scaleSettingsCsv(result: ScaleResult): string {
  const header = [
    'setting',
    'spark_workers',
    'cores_per_job',
    'executor_memory',
    'pipeline',
    'events',
    'caught_up',
    'startup_ms',
    'catch_up_ms',
    'time_to_exact_ms',
    'throughput_per_s',
    'worker_cpu_mean',
    'worker_cpu_peak',
    'worker_memory_peak_bytes',
    'worker_memory_limit_bytes',
    'load_average',
  ];
  const rows = result.runs.flatMap((run, i) =>
    result.results[i].map((r) => [
      String(i),
      String(run.setting.sparkWorkers),
      String(run.setting.coresPerJob),
      run.setting.executorMemory,
      PIPELINE_KEYS[r.pipeline] ?? r.pipeline,
      String(r.events),
      String(r.caughtUp),
      num(r.startupMs),
      num(r.catchUpMs),
      num(r.timeToExactMs),
      num(r.throughput, 1),
      num(r.workerCpuMean, 3),
      num(r.workerCpuPeak, 3),
      num(r.workerMemoryPeakBytes),
      num(r.workerMemoryLimitBytes),
      num(r.load, 2),
    ]),
  );
  return csv([header, ...rows]);
}

/** One row per progress sample: the setting, ms since its jobs started, and what each pipeline had counted. */
export function scaleSeriesCsv(result: ScaleResult): string {
  const pipelines = [...new Set(result.runs.flatMap((r) => Object.keys(r.before)))] as Pipeline[];
  const header = ['setting', 'at_ms', 'since_start_ms', 'target', 'load_average', ...pipelines.map((p) => `${PIPELINE_KEYS[p]}_processed`)];
  const rows = result.runs.flatMap((run, i) =>
    run.progress.map((s) => [
      String(i),
      String(s.at),
      String(s.at - run.startedAt),
      String(run.target),
      num(s.load, 2),
      ...pipelines.map((p) => num(s.processed[p])),
    ]),
  );
  return csv([header, ...rows]);
}

export function scaleCharts(result: ScaleResult): SweepChart[] {
  const bars = result.runs.flatMap((run, i) =>
    result.results[i].map((r) => ({ setting: `${i + 1}. ${run.setting.label}`, pipeline: label(r.pipeline), throughput: r.throughput ?? null })),
  );
  const progress = result.runs.flatMap((run, i) =>
    run.progress.flatMap((s) =>
      Object.entries(s.processed).map(([p, processed]) => ({
        t: Math.round((s.at - run.startedAt) / 100) / 10,
        series: `${label(p)}, ${i + 1}. ${run.setting.label}`,
        remaining: Math.max(0, run.target - (processed ?? 0)),
      })),
    ),
  );
  const spec = (title: string, values: unknown[], rest: object) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 560,
    height: 260,
    data: { values },
    ...rest,
  });
  return [
    {
      id: 'throughput',
      title: 'Catch-up throughput per setting',
      file: 'scale-throughput.svg',
      spec: spec('Catch-up throughput (events/s) per setting', bars, {
        mark: 'bar',
        encoding: {
          y: { field: 'setting', type: 'nominal', title: null },
          x: { field: 'throughput', type: 'quantitative', title: 'events/s counted' },
          color: { field: 'pipeline', type: 'nominal' },
          yOffset: { field: 'pipeline' },
        },
      }),
    },
    {
      id: 'catch-up',
      title: 'Backlog left over time',
      file: 'scale-catch-up.svg',
      spec: spec('Backlog left to count, from starting the jobs', progress, {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since the jobs were started' },
          y: { field: 'remaining', type: 'quantitative', title: 'events not counted yet' },
          color: { field: 'series', type: 'nominal', title: null },
        },
      }),
    },
  ];
}

export function scaleMarkdown(result: ScaleResult, charts: readonly Pick<SweepChart, 'title' | 'file'>[] = []): string {
  const m = result.machine;
  const out = [
    '# Scale: more cores, more memory or more workers: what changes?',
    '',
    `Run from ${new Date(result.startedAt).toISOString()} to ${new Date(result.finishedAt).toISOString()} ` +
      `(${formatDuration(result.finishedAt - result.startedAt)}) on ${m.cores} cores and ${formatBytes(m.memoryBytes)} (${m.platform}); ` +
      `load average ${m.loadAtStart.toFixed(2)} at the start, ${m.loadAtEnd.toFixed(2)} at the end. Stacks: ${result.stacks.join(', ') || 'none'}.`,
    '',
    `For each setting the Spark jobs were stopped, ${formatCount(result.options.backlogEvents)} events were sent (seed ${result.seed}), ` +
      'and the jobs were started again with the setting (compose recreates the workers): the figures are how each pipeline caught up. ' +
      'Throughput is counted from the first counted events to exact, so the start-up is apart.' +
      (result.complete ? '' : ' **The run was interrupted before its last setting ended.**'),
    '',
    '## What each setting changed',
    '',
  ];
  if (result.comparisons.length === 0) out.push('Nothing to compare: fewer than two settings ran.');
  for (const c of result.comparisons) {
    out.push(`- **${label(c.pipeline)}**, ${result.runs[c.setting].setting.label}: **${c.verdict}**. ${c.reason}.`);
  }
  out.push('', '## Per setting', '');
  out.push(
    ...markdownTable(
      ['Setting', 'Pipeline', 'Start-up', 'Catch-up', 'To exact', 'Throughput', 'Workers CPU (mean / peak)', 'Workers memory (peak / limit)', 'Load'],
      result.runs.flatMap((run, i) =>
        result.results[i].map((r) => [
          `${i + 1}. ${run.setting.label}`,
          label(r.pipeline),
          formatSeconds(r.startupMs),
          formatSeconds(r.catchUpMs),
          r.caughtUp ? formatSeconds(r.timeToExactMs) : 'not caught up',
          formatRate(r.throughput),
          r.workerCpuMean === undefined ? '–' : `${r.workerCpuMean.toFixed(2)} / ${r.workerCpuPeak?.toFixed(2)}`,
          r.workerMemoryPeakBytes === undefined ? '–' : `${formatBytes(r.workerMemoryPeakBytes)} / ${formatBytes(r.workerMemoryLimitBytes)}`,
          r.load === undefined ? '–' : r.load.toFixed(1),
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
    `Raw series: \`${SCALE_FILES.series}\` (one row per progress sample), \`${SCALE_FILES.settings}\` (the table above), \`${SCALE_FILES.result}\` (everything, with the containers' loads).`,
  );
  return `${out.join('\n').trimEnd()}\n`;
}

/** What the comparison panel's Experiments tab shows of a scale run: the verdicts, the table and the plots. */
export interface ScaleView {
  kind: 'scale';
  folder: string;
  startedAt: number;
  finishedAt: number;
  complete: boolean;
  machine: ScaleResult['machine'];
  backlogEvents: number;
  stacks: string[];
  comparisons: { label: string; setting: string; verdict: string; reason: string }[];
  rows: { setting: string; label: string; startupMs?: number; timeToExactMs?: number; throughput?: number; workerCpuMean?: number; caughtUp: boolean }[];
  plots: { title: string; svg: string }[];
}

export function scaleView(result: ScaleResult, folder: string, plots: ScaleView['plots']): ScaleView {
  return {
    kind: 'scale',
    folder,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    complete: result.complete,
    machine: result.machine,
    backlogEvents: result.options.backlogEvents,
    stacks: result.stacks,
    comparisons: result.comparisons.map((c) => ({
      label: label(c.pipeline),
      setting: result.runs[c.setting].setting.label,
      verdict: c.verdict,
      reason: c.reason,
    })),
    rows: result.runs.flatMap((run, i) =>
      result.results[i].map((r) => ({
        setting: `${i + 1}. ${run.setting.label}`,
        label: label(r.pipeline),
        startupMs: r.startupMs,
        timeToExactMs: r.timeToExactMs,
        throughput: r.throughput,
        workerCpuMean: r.workerCpuMean,
        caughtUp: r.caughtUp,
      })),
    ),
    plots,
  };
}
