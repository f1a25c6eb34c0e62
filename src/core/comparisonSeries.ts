// The comparison over time: a bounded series of totals per pipeline, with throughput and freshness derived
// as each sample arrives (earlier samples never change, so nothing is recomputed per refresh).
import { COMPLETE_PIPELINES, PIPELINES, producedOf, totalOf, type ComparisonSnapshot, type ContainerSample, type Pipeline, type StackName } from './comparison';

/** One sample every refresh (2 s): 1,800 samples are one hour. */
export const DEFAULT_SERIES_CAPACITY = 1800;

export interface SeriesPoint {
  /** ms since the epoch. */
  at: number;
  /** Events produced so far (producedTotal, else Σ truth); null when unknown. */
  produced: number | null;
  /** Σ counts per pipeline; absent: no data. */
  totals: Partial<Record<Pipeline, number>>;
  /** Produced per second since the previous sample; null on the first sample or when produced went down (reset). */
  rateIn: number | null;
  /** Counted per second since the previous sample, per complete pipeline; absent when unknown or the count went down. */
  rateOut: Partial<Record<Pipeline, number>>;
  /** Freshness in ms per complete pipeline (see `freshnessMs`); absent when unknown. */
  freshness: Partial<Record<Pipeline, number>>;
  stacks: Record<StackName, boolean>;
  containers?: ContainerSample[];
}

interface ProducedSample {
  at: number;
  produced: number | null;
}

/**
 * Freshness of a view at time `at`: how long the oldest produced event that the view does not reflect yet has
 * been waiting, in ms. With `produced` events produced and `count` counted:
 * - count ≥ produced: 0 (the view reflects everything produced so far, "caught up");
 * - otherwise t* is the moment the producer passed `count`, i.e. the latest time at which produced ≤ count,
 *   interpolated linearly between the two samples around it; freshness = at − t*.
 *   In steady state (the view trails the producer by d seconds) this is d. After an idle period it measures
 *   from when production resumed, not from the last item before the pause.
 * - null (unknown) when that moment lies before the oldest sample, when a sample has no produced figure, or
 *   when produced went down (a reset of the lab data) between then and now.
 * `history` holds the earlier samples, oldest first.
 */
export function freshnessMs(history: readonly ProducedSample[], at: number, produced: number | null, count: number | null): number | null {
  if (produced === null || count === null) return null;
  if (count >= produced) return 0;
  let laterAt = at;
  let laterProduced = produced;
  for (let k = history.length - 1; k >= 0; k--) {
    const sample = history[k];
    if (sample.produced === null || sample.produced > laterProduced) return null;
    if (sample.produced <= count) {
      const crossing = sample.at + ((count - sample.produced) / (laterProduced - sample.produced)) * (laterAt - sample.at);
      return at - crossing;
    }
    laterAt = sample.at;
    laterProduced = sample.produced;
  }
  return null;
}

/** Per second between two samples; null when either is unknown, time did not advance, or the value went down. */
export function ratePerSecond(before: number | null | undefined, after: number | null | undefined, dtMs: number): number | null {
  if (before === null || before === undefined || after === null || after === undefined || dtMs <= 0 || after < before) return null;
  return ((after - before) * 1000) / dtMs;
}

/** The samples of the comparison over time, at most `capacity` of them (oldest dropped first). */
export class SeriesStore {
  private items: SeriesPoint[] = [];

  constructor(readonly capacity = DEFAULT_SERIES_CAPACITY) {}

  get points(): readonly SeriesPoint[] {
    return this.items;
  }

  get latest(): SeriesPoint | undefined {
    return this.items[this.items.length - 1];
  }

  /** Adds a sample derived from `snapshot`; a snapshot not newer than the latest sample is ignored (undefined). */
  add(snapshot: ComparisonSnapshot): SeriesPoint | undefined {
    const previous = this.latest;
    if (previous && snapshot.at <= previous.at) return undefined;
    const point = derivePoint(this.items, snapshot);
    this.items.push(point);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return point;
  }

  /** Replaces the samples (e.g. from saved state); keeps the newest `capacity` ones, in time order. */
  restore(points: readonly SeriesPoint[]): void {
    const ordered = points.filter((p) => Number.isFinite(p.at)).sort((a, b) => a.at - b.at);
    this.items = ordered.slice(Math.max(0, ordered.length - this.capacity));
  }

  clear(): void {
    this.items = [];
  }
}

/** The sample for `snapshot`, given the earlier samples (oldest first). */
export function derivePoint(history: readonly SeriesPoint[], snapshot: ComparisonSnapshot): SeriesPoint {
  const previous = history[history.length - 1];
  const produced = producedOf(snapshot);
  const totals: Partial<Record<Pipeline, number>> = {};
  for (const pipeline of PIPELINES) {
    const total = totalOf(snapshot.views[pipeline]);
    if (total !== null) totals[pipeline] = total;
  }
  const dt = previous ? snapshot.at - previous.at : 0;
  const rateOut: Partial<Record<Pipeline, number>> = {};
  const freshness: Partial<Record<Pipeline, number>> = {};
  for (const pipeline of COMPLETE_PIPELINES) {
    const rate = previous ? ratePerSecond(previous.totals[pipeline], totals[pipeline], dt) : null;
    if (rate !== null) rateOut[pipeline] = rate;
    const fresh = freshnessMs(history, snapshot.at, produced, totals[pipeline] ?? null);
    if (fresh !== null) freshness[pipeline] = fresh;
  }
  return {
    at: snapshot.at,
    produced,
    totals,
    rateIn: previous ? ratePerSecond(previous.produced, produced, dt) : null,
    rateOut,
    freshness,
    stacks: { ...snapshot.stacks },
    ...(snapshot.containers ? { containers: snapshot.containers.map((c) => ({ ...c })) } : {}),
  };
}

/** Nearest-rank percentile: the value at rank ⌈p/100 · n⌉ of the sorted values; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface PipelineSeriesStats {
  /** ms; over the window's samples where the view was behind or the producer was producing. */
  freshnessP50: number | null;
  freshnessP95: number | null;
  freshnessSamples: number;
  /** Counted per second over the window (time-weighted), and the highest sample. */
  rateOutMean: number | null;
  rateOutMax: number | null;
}

export interface SeriesSummary {
  from: number | null;
  to: number | null;
  samples: number;
  /** The window the figures cover (null: the whole series). */
  windowMs: number | null;
  rateInMean: number | null;
  rateInMax: number | null;
  pipelines: Record<Pipeline, PipelineSeriesStats>;
}

/**
 * Figures over the samples of the last `windowMs` (all samples when omitted).
 * - Rates: time-weighted means Σ(rate·dt)/Σdt over the window's intervals with a known rate, and the highest of
 *   those rates (the interval that ends at the window's first sample starts outside the window and is left out).
 * - Freshness p50/p95 (nearest rank): over the window's samples with a known freshness where the view was behind
 *   (freshness > 0) or the producer was producing (rateIn > 0). Idle, caught-up samples (nothing produced, nothing
 *   missing) would only add zeros that say nothing about the pipeline, so they are left out.
 */
export function summarize(points: readonly SeriesPoint[], windowMs?: number): SeriesSummary {
  const last = points[points.length - 1];
  let start = 0;
  if (last && windowMs !== undefined) while (start < points.length && points[start].at < last.at - windowMs) start++;
  const inWindow = points.slice(start);
  const weighted = (rateOf: (p: SeriesPoint) => number | null | undefined) => {
    let area = 0;
    let time = 0;
    let max: number | null = null;
    for (let i = start + 1; i < points.length; i++) {
      const rate = rateOf(points[i]);
      if (rate === null || rate === undefined) continue;
      max = max === null ? rate : Math.max(max, rate);
      const dt = points[i].at - points[i - 1].at;
      area += rate * dt;
      time += dt;
    }
    return { mean: time > 0 ? area / time : null, max };
  };
  const rateIn = weighted((p) => p.rateIn);
  const pipelines = Object.fromEntries(
    PIPELINES.map((pipeline): [Pipeline, PipelineSeriesStats] => {
      const samples = inWindow
        .filter((p) => p.freshness[pipeline] !== undefined && ((p.freshness[pipeline] as number) > 0 || (p.rateIn ?? 0) > 0))
        .map((p) => p.freshness[pipeline] as number);
      const rateOut = weighted((p) => p.rateOut[pipeline]);
      return [
        pipeline,
        {
          freshnessP50: percentile(samples, 50),
          freshnessP95: percentile(samples, 95),
          freshnessSamples: samples.length,
          rateOutMean: rateOut.mean,
          rateOutMax: rateOut.max,
        },
      ];
    }),
  ) as Record<Pipeline, PipelineSeriesStats>;
  return {
    from: inWindow[0]?.at ?? null,
    to: last?.at ?? null,
    samples: inWindow.length,
    windowMs: windowMs ?? null,
    rateInMean: rateIn.mean,
    rateInMax: rateIn.max,
    pipelines,
  };
}
