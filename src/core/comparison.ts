// The comparison panel's data model: what each pipeline counted per snack against the generator's truth.
// Pure (no VS Code, no I/O): the panel's host, its page, the exports and the CLI share it.
import { SNACK_NAMES } from './snacks';
import { STACK_NAMES, STACKS, type StackName } from './stacks';

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

export type { StackName } from './stacks';
export const STACK_LABELS: Readonly<Record<StackName, string>> = Object.fromEntries(STACK_NAMES.map((name) => [name, STACKS[name].title])) as Record<
  StackName,
  string
>;

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
  /**
   * The source truth: exact per-snack counts of the valid events in the topic (what the generator had acknowledged,
   * and what reached the topic from elsewhere: `outside`).
   */
  truth?: Record<string, number>;
  /** When the stacks' topics differ (a message produced to one only): each stack's truth, for its own pipelines. */
  truthByStack?: Partial<Record<StackName, Record<string, number>>>;
  /** Messages produced outside the generator, included in the truth (valid ones) or counted as invalid by every job. */
  outside?: { valid: number; invalid: number };
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
  outside?: { valid: number; invalid: number };
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
  const truthFor = (pipeline: Pipeline) => {
    const stack = PIPELINE_STACK[pipeline];
    return (stack && snapshot.truthByStack?.[stack]) || truth;
  };
  const rows: SnackComparison[] = snacks.map((snack) => {
    const shown = truth ? countIn(truth, snack) : null;
    const cells = Object.fromEntries(
      PIPELINES.map((pipeline): [Pipeline, PipelineCell] => {
        const own = truthFor(pipeline);
        const t = own ? countIn(own, snack) : null;
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
    return { snack, truth: shown, cells };
  });
  const truthTotal = truth ? sum(rows.map((r) => r.truth ?? 0)) : null;
  const totals = Object.fromEntries(
    PIPELINES.map((pipeline): [Pipeline, PipelineTotals] => {
      const view = snapshot.views[pipeline];
      const partial = isPartial(pipeline);
      const total = view ? sum(rows.map((r) => r.cells[pipeline].count ?? 0)) : null;
      const own = truthFor(pipeline);
      const ownTotal = own ? sum(snacks.map((snack) => countIn(own, snack))) : null;
      const comparable = total !== null && ownTotal !== null && !partial;
      const absoluteError = comparable ? sum(rows.map((r) => Math.abs(r.cells[pipeline].difference ?? 0))) : null;
      return [
        pipeline,
        {
          pipeline,
          present: view !== undefined,
          partial,
          total,
          difference: comparable ? total - (ownTotal as number) : null,
          absoluteError,
          accuracy: comparable && (ownTotal as number) > 0 ? clamp01(1 - (absoluteError as number) / (ownTotal as number)) : null,
          exact: comparable ? absoluteError === 0 : null,
          invalid: view?.invalid,
          version: view?.version,
          updatedAt: view?.updatedAt,
        },
      ];
    }),
  ) as Record<Pipeline, PipelineTotals>;
  return {
    at: snapshot.at,
    truthTotal,
    produced: producedOf(snapshot),
    rows,
    totals,
    stacks: { ...snapshot.stacks },
    ...(snapshot.outside ? { outside: snapshot.outside } : {}),
  };
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
