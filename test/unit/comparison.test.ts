import * as assert from 'node:assert/strict';
import { compare, containerStack, producedOf, type ComparisonSnapshot } from '../../src/core/comparison';
import { formatAccuracy, formatBytes, formatCount, formatDifference, formatRate, formatSeconds, formatWindow } from '../../src/core/format';

const stacks = { lambda: true, kappa: true };

describe('comparison: per snack against the truth', () => {
  // Truth: 100 items. Hand-computed expectations below each view.
  const snapshot: ComparisonSnapshot = {
    at: 1_000,
    truth: { apple: 10, banana: 20, orange: 0, blueberries: 5, snickers: 15, mars: 0, twix: 40, milkyway: 10 },
    views: {
      validation: { counts: { apple: 10, banana: 20, orange: 0, blueberries: 5, snickers: 15, mars: 0, twix: 40, milkyway: 10 }, invalid: 2 },
      // orange and mars absent: 0. Differences −2 −5 0 0 −5 0 −10 0: Σ|d| = 22, accuracy 1 − 22/100 = 0.78.
      lambdaBatch: { counts: { apple: 8, banana: 15, blueberries: 5, snickers: 10, twix: 30, milkyway: 10 }, version: 3 },
      // Only events after the batch cut-off: never compared with the truth.
      lambdaSpeed: { counts: { apple: 2, banana: 5, snickers: 5, twix: 10 } },
      // twix +1 and milkyway −1: net 0 but Σ|d| = 2, accuracy 0.98 (over- and under-counts do not cancel).
      lambdaServing: { counts: { apple: 10, banana: 20, blueberries: 5, snickers: 15, twix: 41, milkyway: 9 } },
      // kappa absent: its stack never ran.
    },
    stacks: { lambda: true, kappa: false },
  };
  const c = compare(snapshot);

  it('lists the 8 snacks in catalog order with their truth', () => {
    assert.deepEqual(
      c.rows.map((r) => r.snack),
      ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'],
    );
    assert.deepEqual(
      c.rows.map((r) => r.truth),
      [10, 20, 0, 5, 15, 0, 40, 10],
    );
    assert.equal(c.truthTotal, 100);
    assert.equal(c.produced, 100, 'produced falls back to Σ truth');
    assert.deepEqual(c.stacks, { lambda: true, kappa: false });
  });

  it('an exact view: every difference 0, accuracy 1', () => {
    assert.deepEqual(
      c.rows.map((r) => r.cells.validation.difference),
      [0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert.deepEqual(c.totals.validation, {
      pipeline: 'validation',
      present: true,
      partial: false,
      total: 100,
      difference: 0,
      absoluteError: 0,
      accuracy: 1,
      exact: true,
      invalid: 2,
      version: undefined,
      updatedAt: undefined,
    });
  });

  it('a lagging view: per-snack differences and accuracy, totals Σ|d| = 22, accuracy 0.78', () => {
    assert.deepEqual(
      c.rows.map((r) => r.cells.lambdaBatch.count),
      [8, 15, 0, 5, 10, 0, 30, 10],
    );
    assert.deepEqual(
      c.rows.map((r) => r.cells.lambdaBatch.difference),
      [-2, -5, 0, 0, -5, 0, -10, 0],
    );
    // 1 − 2/10, 1 − 5/20, truth 0 → n/a, 1, 1 − 5/15, n/a, 1 − 10/40, 1
    const accuracy = c.rows.map((r) => r.cells.lambdaBatch.accuracy);
    assert.deepEqual(
      accuracy.map((a) => (a === null ? null : Math.round(a * 10000) / 10000)),
      [0.8, 0.75, null, 1, 0.6667, null, 0.75, 1],
    );
    const t = c.totals.lambdaBatch;
    assert.equal(t.total, 78);
    assert.equal(t.difference, -22);
    assert.equal(t.absoluteError, 22);
    assert.ok(Math.abs((t.accuracy as number) - 0.78) < 1e-12);
    assert.equal(t.exact, false);
    assert.equal(t.version, 3);
  });

  it('over- and under-counts do not cancel: net 0, Σ|d| = 2, accuracy 0.98', () => {
    const t = c.totals.lambdaServing;
    assert.equal(t.total, 100);
    assert.equal(t.difference, 0);
    assert.equal(t.absoluteError, 2);
    assert.ok(Math.abs((t.accuracy as number) - 0.98) < 1e-12);
    assert.equal(t.exact, false);
    assert.equal(c.rows[6].cells.lambdaServing.difference, 1);
    assert.equal(c.rows[6].cells.lambdaServing.accuracy, 0.975);
    assert.equal(c.rows[7].cells.lambdaServing.difference, -1);
  });

  it('the speed layer (partial by design) shows counts only', () => {
    assert.deepEqual(
      c.rows.map((r) => r.cells.lambdaSpeed.count),
      [2, 5, 0, 0, 5, 0, 10, 0],
    );
    assert.ok(c.rows.every((r) => r.cells.lambdaSpeed.difference === null && r.cells.lambdaSpeed.accuracy === null));
    assert.deepEqual(
      { ...c.totals.lambdaSpeed, invalid: undefined },
      {
        pipeline: 'lambdaSpeed',
        present: true,
        partial: true,
        total: 22,
        difference: null,
        absoluteError: null,
        accuracy: null,
        exact: null,
        invalid: undefined,
        version: undefined,
        updatedAt: undefined,
      },
    );
  });

  it('a missing pipeline is n/a everywhere, never 0 and never NaN', () => {
    assert.ok(c.rows.every((r) => r.cells.kappa.count === null && r.cells.kappa.difference === null && r.cells.kappa.accuracy === null));
    assert.equal(c.totals.kappa.present, false);
    assert.equal(c.totals.kappa.total, null);
    assert.equal(c.totals.kappa.accuracy, null);
    assert.equal(c.totals.kappa.exact, null);
    assert.ok(!JSON.stringify(c).includes('NaN'));
  });
});

describe('comparison: edge cases', () => {
  it('truth of 0: accuracy n/a, exact says whether the view is all zeros too', () => {
    const c = compare({ at: 1, truth: {}, views: { validation: { counts: { apple: 0 } }, kappa: { counts: { apple: 2 } } }, stacks });
    assert.equal(c.truthTotal, 0);
    assert.equal(c.totals.validation.accuracy, null);
    assert.equal(c.totals.validation.exact, true);
    assert.equal(c.totals.kappa.accuracy, null);
    assert.equal(c.totals.kappa.exact, false);
    assert.equal(c.totals.kappa.difference, 2);
    assert.equal(c.totals.kappa.absoluteError, 2);
    assert.equal(c.rows[0].cells.kappa.accuracy, null);
  });

  it('no truth: counts only, differences and accuracy n/a; produced unknown', () => {
    const c = compare({ at: 1, views: { validation: { counts: { apple: 3 } } }, stacks });
    assert.equal(c.truthTotal, null);
    assert.equal(c.produced, null);
    assert.equal(c.totals.validation.total, 3);
    assert.equal(c.totals.validation.difference, null);
    assert.equal(c.totals.validation.accuracy, null);
    assert.equal(c.totals.validation.exact, null);
    assert.equal(c.rows[0].truth, null);
  });

  it('accuracy is clamped at 0 when a view counts more than twice the truth', () => {
    const c = compare({ at: 1, truth: { apple: 10 }, views: { kappa: { counts: { apple: 35 } } }, stacks });
    assert.equal(c.totals.kappa.absoluteError, 25);
    assert.equal(c.totals.kappa.accuracy, 0);
    assert.equal(c.rows[0].cells.kappa.accuracy, 0);
  });

  it('an item outside the catalog gets its own row after the 8 snacks; non-numbers count as 0', () => {
    const c = compare({ at: 1, truth: { apple: 1 }, views: { kappa: { counts: { apple: Number.NaN, kitkat: 2 } } }, stacks });
    assert.equal(c.rows.length, 9);
    assert.equal(c.rows[8].snack, 'kitkat');
    assert.equal(c.rows[8].truth, 0);
    assert.equal(c.rows[8].cells.kappa.difference, 2);
    assert.equal(c.rows[0].cells.kappa.count, 0);
    assert.equal(c.totals.kappa.absoluteError, 3);
  });

  it('producedTotal wins over Σ truth', () => {
    assert.equal(producedOf({ at: 1, truth: { apple: 5 }, producedTotal: 7, views: {}, stacks }), 7);
    assert.equal(producedOf({ at: 1, truth: { apple: 5, mars: 2 }, views: {}, stacks }), 7);
  });

  it('recognises the stack of a container from its compose project name', () => {
    assert.equal(containerStack('archlab-lambda-spark-master-1'), 'lambda');
    assert.equal(containerStack('archlab-kappa-kafka-1'), 'kappa');
    assert.equal(containerStack('grafana'), undefined);
  });
});

describe('comparison: formatting', () => {
  it('formats counts, differences, accuracy, seconds and rates without locale surprises', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(-1234), '\u22121,234');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(null), 'n/a');
    assert.equal(formatDifference(0), '\u00b10');
    assert.equal(formatDifference(3), '+3');
    assert.equal(formatDifference(-1200), '\u22121,200');
    assert.equal(formatDifference(null), 'n/a');
    assert.equal(formatAccuracy(1), '100.00 %');
    assert.equal(formatAccuracy(0.99996), '99.99 %', 'rounded down: 100.00 % means exact');
    assert.equal(formatAccuracy(0.29), '29.00 %', 'no floating-point slip below');
    assert.equal(formatAccuracy(0.78), '78.00 %');
    assert.equal(formatAccuracy(null), 'n/a');
    assert.equal(formatAccuracy(Number.NaN), 'n/a');
    assert.equal(formatSeconds(1234), '1.23 s');
    assert.equal(formatSeconds(null), 'n/a');
    assert.equal(formatRate(1234.5), '1,235/s');
    assert.equal(formatRate(2.25), '2.3/s');
    assert.equal(formatRate(null), 'n/a');
    assert.equal(formatBytes(1_200_000_000), '1.1 GiB');
    assert.equal(formatBytes(35_651_584), '34 MiB');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatCount(12345678901234567890n), '12,345,678,901,234,567,890');
    assert.equal(formatCount(-5n), '\u22125');
    assert.equal(formatWindow(300_000), 'the last 5 minutes');
    assert.equal(formatWindow(60_000), 'the last minute');
    assert.equal(formatWindow(90_000), 'the last 90 s');
    assert.equal(formatWindow(null), 'the whole series');
  });
});
