import * as assert from 'node:assert/strict';
import type { ComparisonSnapshot, Pipeline } from '../../src/core/comparison';
import { freshnessMs, percentile, ratePerSecond, SeriesStore, summarize } from '../../src/core/comparisonSeries';

const stacks = { lambda: true, kappa: true };

/** A snapshot whose views hold `totals` (all under one snack: only totals matter here). */
function snap(at: number, produced: number, totals: Partial<Record<Pipeline, number>>): ComparisonSnapshot {
  const views: ComparisonSnapshot['views'] = {};
  for (const [pipeline, total] of Object.entries(totals) as [Pipeline, number][]) views[pipeline] = { counts: { apple: total } };
  return { at, producedTotal: produced, views, stacks };
}

describe('comparison series: freshness', () => {
  // produced: 0 at 0 s, 100 at 2 s, 200 at 4 s; now 6 s with 300 produced.
  const history = [
    { at: 0, produced: 0 },
    { at: 2000, produced: 100 },
    { at: 4000, produced: 200 },
  ];

  it('is 0 when the view has counted everything produced (or more)', () => {
    assert.equal(freshnessMs(history, 6000, 300, 300), 0);
    assert.equal(freshnessMs(history, 6000, 300, 320), 0);
    assert.equal(freshnessMs([], 0, 0, 0), 0);
  });

  it("interpolates when the producer passed the view's count", () => {
    // 150 was passed halfway between 2 s (100) and 4 s (200): at 3 s, so the oldest missing event waited 3 s.
    assert.equal(freshnessMs(history, 6000, 300, 150), 3000);
    // 250 was passed halfway between 4 s (200) and now (300): at 5 s.
    assert.equal(freshnessMs(history, 6000, 300, 250), 1000);
    // exactly 200: the 201st event came right after 4 s.
    assert.equal(freshnessMs(history, 6000, 300, 200), 2000);
  });

  it('after an idle period measures from when production resumed, not from the last event before the pause', () => {
    const idle = [
      { at: 0, produced: 100 },
      { at: 2000, produced: 100 },
      { at: 4000, produced: 100 },
    ];
    assert.equal(freshnessMs(idle, 6000, 200, 100), 2000);
  });

  it('is unknown when the crossing is older than the series, across a reset, or without figures', () => {
    assert.equal(freshnessMs([{ at: 0, produced: 100 }], 2000, 200, 50), null);
    assert.equal(
      freshnessMs(
        [
          { at: 0, produced: 500 },
          { at: 2000, produced: 600 },
        ],
        4000,
        50,
        10,
      ),
      null,
    );
    assert.equal(freshnessMs(history, 6000, null, 10), null);
    assert.equal(freshnessMs(history, 6000, 300, null), null);
    assert.equal(freshnessMs([{ at: 0, produced: null }], 2000, 200, 50), null);
  });

  it('rates per second, never negative', () => {
    assert.equal(ratePerSecond(100, 200, 2000), 50);
    assert.equal(ratePerSecond(200, 100, 2000), null);
    assert.equal(ratePerSecond(undefined, 100, 2000), null);
    assert.equal(ratePerSecond(100, 200, 0), null);
  });

  it('nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3); // rank ⌈2.5⌉ = 3
    assert.equal(percentile([5, 1, 4, 2, 3], 95), 5); // rank ⌈4.75⌉ = 5
    assert.equal(percentile([5, 1, 4, 2, 3], 0), 1);
    assert.equal(percentile([5, 1, 4, 2, 3], 100), 5);
    assert.equal(percentile([], 50), null);
  });
});

describe('comparison series: the store', () => {
  // t (s)        0    2    4    6    8
  // produced     0  100  200  300  300
  // validation   0  100  200  300  300   (always caught up)
  // kappa        0   50  100  250  300
  // serving      -    -  100  100  200
  // speed       10   20    5   15   25   (drops when the batch runs: partial, never rated)
  const snapshots = [
    snap(0, 0, { validation: 0, kappa: 0, lambdaSpeed: 10 }),
    snap(2000, 100, { validation: 100, kappa: 50, lambdaSpeed: 20 }),
    snap(4000, 200, { validation: 200, kappa: 100, lambdaServing: 100, lambdaSpeed: 5 }),
    snap(6000, 300, { validation: 300, kappa: 250, lambdaServing: 100, lambdaSpeed: 15 }),
    snap(8000, 300, { validation: 300, kappa: 300, lambdaServing: 200, lambdaSpeed: 25 }),
  ];
  const store = new SeriesStore();
  for (const s of snapshots) store.add(s);
  const p = store.points;

  it('keeps totals per pipeline and the produced total', () => {
    assert.deepEqual(
      p.map((x) => x.produced),
      [0, 100, 200, 300, 300],
    );
    assert.deepEqual(
      p.map((x) => x.totals.kappa),
      [0, 50, 100, 250, 300],
    );
    assert.deepEqual(
      p.map((x) => x.totals.lambdaServing),
      [undefined, undefined, 100, 100, 200],
    );
    assert.deepEqual(
      p.map((x) => x.totals.lambdaSpeed),
      [10, 20, 5, 15, 25],
    );
  });

  it('throughput in and out from the deltas', () => {
    assert.deepEqual(
      p.map((x) => x.rateIn),
      [null, 50, 50, 50, 0],
    );
    assert.deepEqual(
      p.map((x) => x.rateOut.kappa),
      [undefined, 25, 25, 75, 25],
    );
    assert.deepEqual(
      p.map((x) => x.rateOut.validation),
      [undefined, 50, 50, 50, 0],
    );
    assert.deepEqual(
      p.map((x) => x.rateOut.lambdaServing),
      [undefined, undefined, undefined, 0, 50],
    );
    assert.ok(p.every((x) => x.rateOut.lambdaSpeed === undefined && x.freshness.lambdaSpeed === undefined));
  });

  it('freshness per sample', () => {
    assert.deepEqual(
      p.map((x) => x.freshness.validation),
      [0, 0, 0, 0, 0],
    );
    // 50 passed at 1 s → 1 s; 100 passed at 2 s → 2 s; 250 passed at 5 s → 1 s; caught up → 0
    assert.deepEqual(
      p.map((x) => x.freshness.kappa),
      [0, 1000, 2000, 1000, 0],
    );
    // 100 passed at 2 s → 2 s at 4 s and 4 s at 6 s; 200 passed at 4 s → 4 s at 8 s
    assert.deepEqual(
      p.map((x) => x.freshness.lambdaServing),
      [undefined, undefined, 2000, 4000, 4000],
    );
  });

  it('summarises the whole series: time-weighted rates, freshness p50/p95 on active or lagging samples', () => {
    const s = summarize(p);
    assert.equal(s.samples, 5);
    assert.equal(s.from, 0);
    assert.equal(s.to, 8000);
    assert.equal(s.windowMs, null);
    assert.equal(s.rateInMean, 37.5); // (50+50+50+0)·2 s / 8 s
    assert.equal(s.rateInMax, 50);
    // kappa: the first sample (idle, caught up) and the last (nothing produced, caught up) do not count: [1, 2, 1] s
    assert.deepEqual(s.pipelines.kappa, { freshnessP50: 1000, freshnessP95: 2000, freshnessSamples: 3, rateOutMean: 37.5, rateOutMax: 75 });
    assert.deepEqual(s.pipelines.validation, { freshnessP50: 0, freshnessP95: 0, freshnessSamples: 3, rateOutMean: 37.5, rateOutMax: 50 });
    // serving: [2, 4, 4] s (the last one lags, so it counts although nothing was produced); rates 0 and 50 → 25
    assert.deepEqual(s.pipelines.lambdaServing, { freshnessP50: 4000, freshnessP95: 4000, freshnessSamples: 3, rateOutMean: 25, rateOutMax: 50 });
    assert.deepEqual(s.pipelines.lambdaBatch, { freshnessP50: null, freshnessP95: null, freshnessSamples: 0, rateOutMean: null, rateOutMax: null });
    assert.equal(s.pipelines.lambdaSpeed.freshnessSamples, 0);
  });

  it('summarises a window: the last 4 s are the samples at 4, 6 and 8 s', () => {
    const s = summarize(p, 4000);
    assert.equal(s.samples, 3);
    assert.equal(s.from, 4000);
    assert.equal(s.rateInMean, 25); // intervals ending at 6 s (50) and 8 s (0)
    assert.equal(s.rateInMax, 50);
    assert.deepEqual(s.pipelines.kappa, { freshnessP50: 1000, freshnessP95: 2000, freshnessSamples: 2, rateOutMean: 50, rateOutMax: 75 });
  });

  it('an empty series summarises to n/a', () => {
    const s = summarize([]);
    assert.equal(s.samples, 0);
    assert.equal(s.from, null);
    assert.equal(s.rateInMean, null);
    assert.equal(s.pipelines.kappa.freshnessP50, null);
  });

  it('is bounded: the oldest samples go first, derived figures stay as computed', () => {
    const small = new SeriesStore(3);
    for (const s of snapshots) small.add(s);
    assert.deepEqual(
      small.points.map((x) => x.at),
      [4000, 6000, 8000],
    );
    assert.deepEqual(
      small.points.map((x) => x.freshness.lambdaServing),
      [2000, 4000, 4000],
    );
  });

  it('ignores a snapshot that is not newer than the latest sample', () => {
    const again = new SeriesStore();
    again.add(snapshots[0]);
    assert.equal(again.add({ ...snapshots[1], at: 0 }), undefined);
    assert.equal(again.points.length, 1);
  });

  it('a restart where counts go down: no negative rates, freshness unknown across the reset', () => {
    const reset = new SeriesStore();
    reset.add(snap(0, 500, { kappa: 500 }));
    reset.add(snap(2000, 600, { kappa: 580 }));
    const after = reset.add(snap(4000, 50, { kappa: 10 }))!;
    assert.equal(after.rateIn, null);
    assert.equal(after.rateOut.kappa, undefined);
    assert.equal(after.freshness.kappa, undefined);
    const next = reset.add(snap(6000, 150, { kappa: 150 }))!;
    assert.equal(next.rateIn, 50);
    assert.equal(next.rateOut.kappa, 70);
    assert.equal(next.freshness.kappa, 0);
  });

  it('a snapshot without truth or producedTotal: produced and freshness unknown, rates out still known', () => {
    const s = new SeriesStore();
    s.add({ at: 0, views: { kappa: { counts: { apple: 10 } } }, stacks });
    const point = s.add({ at: 2000, views: { kappa: { counts: { apple: 30 } } }, stacks })!;
    assert.equal(point.produced, null);
    assert.equal(point.rateIn, null);
    assert.equal(point.rateOut.kappa, 10);
    assert.equal(point.freshness.kappa, undefined);
  });

  it('restores saved samples in time order, bounded', () => {
    const s = new SeriesStore(2);
    s.restore([...p].reverse());
    assert.deepEqual(
      s.points.map((x) => x.at),
      [6000, 8000],
    );
    s.clear();
    assert.equal(s.points.length, 0);
  });
});
