// The comparison panel's data model: what each pipeline counted per snack against the generator's truth.
// Pure (no VS Code, no I/O): the panel's host, its page, the exports and the CLI share it.
import { SNACK_NAMES } from './snacks';

/** The lab's views, in the order the panel shows them. */
export const PIPELINES = ['validation', 'lambdaBatch', 'lambdaSpeed', 'lambdaServing', 'kappa'] as const;
export type Pipeline = (typeof PIPELINES)[number];

export const PIPELINE_LABELS: Readonly<Record<Pipeline, string>> = {
  validation: 'Validation',
  lambdaBatch: 'Lambda batch',
  lambdaSpeed: 'Lambda speed',
  lambdaServing: 'Lambda serving',
  kappa: 'Kappa',
};

export type StackName = 'lambda' | 'kappa';
export const STACK_LABELS: Readonly<Record<StackName, string>> = { lambda: 'Lambda', kappa: 'Kappa' };

/** The stack a pipeline runs in; the validation consumer runs beside either. */
export const PIPELINE_STACK: Readonly<Record<Pipeline, StackName | undefined>> = {
  validation: undefined,
  lambdaBatch: 'lambda',
  lambdaSpeed: 'lambda',
  lambdaServing: 'lambda',
  kappa: 'kappa',
};

/** The view that answers the lab's question for each architecture. */
export const ANSWER_VIEW: Readonly<Record<StackName, Pipeline>> = { lambda: 'lambdaServing', kappa: 'kappa' };

/**
 * The speed layer counts only the events at or after the batch cut-off, by design: comparing it with the truth
 * says nothing about its correctness, so it gets no difference, accuracy, freshness or output rate.
 */
export function isPartial(pipeline: Pipeline): boolean {
  return pipeline === 'lambdaSpeed';
}

/** The pipelines that should, once caught up, equal the truth. */
export const COMPLETE_PIPELINES: readonly Pipeline[] = PIPELINES.filter((p) => !isPartial(p));

export interface ViewSnapshot {
  /** Per-snack counts; a snack the view has not seen yet may be absent (it counts as 0). */
  counts: Record<string, number>;
  /** Messages the view skipped as malformed or foreign. */
  invalid?: number;
  /** The served version (batch run, kappa replay). */
  version?: number;
  /** When the view was last written, ms since the epoch. */
  updatedAt?: number;
}

export interface ContainerSample {
  name: string;
  cpuPercent: number;
  memoryBytes: number;
}

/** What the host reads every refresh: only the small view tables and the generator's truth. */
export interface ComparisonSnapshot {
  /** When it was read, ms since the epoch. */
  at: number;
  /** The generator's source truth: exact per-snack counts of what Kafka acknowledged. */
  truth?: Record<string, number>;
  /** Events produced in total (acknowledged by Kafka); Σ truth when absent. */
  producedTotal?: number;
  /** A pipeline is absent when its view has no data (stack never ran, or not reachable). */
  views: Partial<Record<Pipeline, ViewSnapshot>>;
  stacks: Record<StackName, boolean>;
  containers?: ContainerSample[];
}

/** Where the panel gets its snapshots: only the small view tables and the truth, so a read costs the same at any volume. */
export interface ComparisonFeed {
  snapshot(): Promise<ComparisonSnapshot>;
}

export interface PipelineCell {
  /** null: the pipeline has no data. */
  count: number | null;
  /** count − truth (negative: the view is behind); null without truth, data, or for a partial view. */
  difference: number | null;
  /** 1 − |difference| / truth, clamped to [0, 1]; null when truth is 0 or unknown. */
  accuracy: number | null;
}

export interface SnackComparison {
  snack: string;
  truth: number | null;
  cells: Record<Pipeline, PipelineCell>;
}

export interface PipelineTotals {
  pipeline: Pipeline;
  present: boolean;
  partial: boolean;
  /** Σ count over the snacks. */
  total: number | null;
  /** total − Σ truth (net, signed). */
  difference: number | null;
  /** Σ |count − truth| over the snacks: over- and under-counts do not cancel out. */
  absoluteError: number | null;
  /**
   * 1 − Σ|count − truth| / Σ truth, clamped to [0, 1]. null ("n/a") when the pipeline has no data, is partial,
   * there is no truth, or Σ truth is 0 (then `exact` still says whether the view is all zeros too).
   */
  accuracy: number | null;
  /** Every snack equals the truth; null without truth or data, or for a partial view. */
  exact: boolean | null;
  invalid?: number;
  version?: number;
  updatedAt?: number;
}

export interface Comparison {
  at: number;
  truthTotal: number | null;
  /** producedTotal, else Σ truth, else null. */
  produced: number | null;
  rows: SnackComparison[];
  totals: Record<Pipeline, PipelineTotals>;
  stacks: Record<StackName, boolean>;
}

/** The produced total of a snapshot: producedTotal, else Σ truth, else null. */
export function producedOf(snapshot: ComparisonSnapshot): number | null {
  if (isCount(snapshot.producedTotal)) return snapshot.producedTotal;
  return snapshot.truth ? sum(Object.values(snapshot.truth)) : null;
}

export function totalOf(view: ViewSnapshot | undefined): number | null {
  return view ? sum(Object.values(view.counts)) : null;
}

/** Per snack and in total, what each pipeline counted against the truth. */
export function compare(snapshot: ComparisonSnapshot): Comparison {
  const truth = snapshot.truth;
  const snacks = snackOrder(snapshot);
  const rows: SnackComparison[] = snacks.map((snack) => {
    const t = truth ? countIn(truth, snack) : null;
    const cells = Object.fromEntries(
      PIPELINES.map((pipeline): [Pipeline, PipelineCell] => {
        const view = snapshot.views[pipeline];
        const count = view ? countIn(view.counts, snack) : null;
        const comparable = count !== null && t !== null && !isPartial(pipeline);
        return [
          pipeline,
          {
            count,
            difference: comparable ? count - t : null,
            accuracy: comparable && t > 0 ? clamp01(1 - Math.abs(count - t) / t) : null,
          },
        ];
      }),
    ) as Record<Pipeline, PipelineCell>;
    return { snack, truth: t, cells };
  });
  const truthTotal = truth ? sum(rows.map((r) => r.truth ?? 0)) : null;
  const totals = Object.fromEntries(
    PIPELINES.map((pipeline): [Pipeline, PipelineTotals] => {
      const view = snapshot.views[pipeline];
      const partial = isPartial(pipeline);
      const total = view ? sum(rows.map((r) => r.cells[pipeline].count ?? 0)) : null;
      const comparable = total !== null && truthTotal !== null && !partial;
      const absoluteError = comparable ? sum(rows.map((r) => Math.abs(r.cells[pipeline].difference ?? 0))) : null;
      return [
        pipeline,
        {
          pipeline,
          present: view !== undefined,
          partial,
          total,
          difference: comparable ? total - truthTotal : null,
          absoluteError,
          accuracy: comparable && truthTotal > 0 ? clamp01(1 - (absoluteError as number) / truthTotal) : null,
          exact: comparable ? absoluteError === 0 : null,
          invalid: view?.invalid,
          version: view?.version,
          updatedAt: view?.updatedAt,
        },
      ];
    }),
  ) as Record<Pipeline, PipelineTotals>;
  return { at: snapshot.at, truthTotal, produced: producedOf(snapshot), rows, totals, stacks: { ...snapshot.stacks } };
}

/** The catalog's snacks first (always, even at 0), then any other item a view or the truth names, sorted. */
function snackOrder(snapshot: ComparisonSnapshot): string[] {
  const known = new Set<string>(SNACK_NAMES);
  const extra = new Set<string>();
  const sources = [snapshot.truth, ...Object.values(snapshot.views).map((v) => v?.counts)];
  for (const counts of sources) for (const item of Object.keys(counts ?? {})) if (!known.has(item)) extra.add(item);
  return [...SNACK_NAMES, ...[...extra].sort()];
}

function countIn(counts: Record<string, number>, snack: string): number {
  const value = counts[snack];
  return isCount(value) ? value : 0;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) if (Number.isFinite(v)) total += v;
  return total;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Which stack a container belongs to, from its compose project name (archlab-lambda-…, archlab-kappa-…). */
export function containerStack(name: string): StackName | undefined {
  if (/lambda/i.test(name)) return 'lambda';
  if (/kappa/i.test(name)) return 'kappa';
  return undefined;
}

// ---- Formatting shared by the page and the exports (fixed, locale-independent) ----

const MINUS = '\u2212';

/** 1234567 → "1,234,567"; null → "n/a". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const sign = value < 0 ? MINUS : '';
  const digits = Math.round(Math.abs(value)).toString();
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** +3, −3, or ±0; null → "n/a". */
export function formatDifference(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value === 0) return '\u00b10';
  return value > 0 ? `+${formatCount(value)}` : formatCount(value);
}

/**
 * Accuracy as a percentage with two decimals, rounded DOWN so that "100.00 %" means exact:
 * 0.99996 → "99.99 %". null → "n/a".
 */
export function formatAccuracy(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const hundredths = Math.floor(value * 10000 + 1e-9);
  return `${(hundredths / 100).toFixed(2)} %`;
}

/** Milliseconds as seconds: 1234 → "1.23 s"; null → "n/a". */
export function formatSeconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Events per second: 1234.5 → "1,235/s", 2.25 → "2.3/s"; null → "n/a". */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return 'n/a';
  return Math.abs(perSecond) >= 100 ? `${formatCount(perSecond)}/s` : `${perSecond.toFixed(1)}/s`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'n/a';
  return `${formatCount(bytes / (1024 * 1024))} MiB`;
}

/** A window length: 300000 → "5 minutes", 60000 → "1 minute", 90000 → "90 s"; null → "the whole series". */
export function formatWindow(ms: number | null): string {
  if (ms === null) return 'the whole series';
  if (ms % 60_000 === 0) return `the last ${ms / 60_000 === 1 ? 'minute' : `${ms / 60_000} minutes`}`;
  return `the last ${formatCount(ms / 1000)} s`;
}
