import * as assert from 'node:assert/strict';
import { compare, type ComparisonSnapshot } from '../../src/core/comparison';
import { comparisonJson, markdownReport, timeSeriesCsv, type ComparisonExport } from '../../src/core/comparisonExport';
import { SeriesStore, summarize } from '../../src/core/comparisonSeries';

const T = Date.UTC(2026, 10, 25, 10, 0, 0);

const first: ComparisonSnapshot = {
  at: T,
  producedTotal: 100,
  truth: { apple: 60, twix: 40 },
  views: { validation: { counts: { apple: 60, twix: 40 } }, kappa: { counts: { apple: 50, twix: 40 } }, lambdaSpeed: { counts: { apple: 7 } } },
  stacks: { lambda: false, kappa: true },
  containers: [{ name: 'archlab-kappa-spark-1', cpuPercent: 12.3456, memoryBytes: 1048576 }],
};
const second: ComparisonSnapshot = {
  at: T + 2000,
  producedTotal: 200,
  truth: { apple: 120, twix: 80 },
  // kappa 190 of 200: the producer passed 190 at 1.8 s (interpolating 100 → 200 over 2 s), so freshness 0.2 s
  views: {
    validation: { counts: { apple: 120, twix: 80 }, invalid: 1 },
    kappa: { counts: { apple: 115, twix: 75 }, version: 2 },
    lambdaSpeed: { counts: { apple: 9 } },
  },
  stacks: { lambda: false, kappa: true },
  containers: [
    { name: 'archlab-kappa-spark-1', cpuPercent: 50, memoryBytes: 2097152 },
    { name: 'archlab-kappa-kafka-1', cpuPercent: 5, memoryBytes: 1000 },
  ],
};

function series() {
  const store = new SeriesStore();
  store.add(first);
  store.add(second);
  return store.points;
}

describe('comparison exports', () => {
  it('CSV: one header row and one row per sample, empty cells for unknowns', () => {
    const lines = timeSeriesCsv(series()).split('\n');
    assert.equal(lines.length, 4, 'header, 2 rows, trailing newline');
    assert.equal(
      lines[0],
      'time,at_ms,produced_total,produced_per_s,validation_total,lambda_batch_total,lambda_speed_total,lambda_serving_total,kappa_total,' +
        'validation_per_s,validation_freshness_s,lambda_batch_per_s,lambda_batch_freshness_s,lambda_serving_per_s,lambda_serving_freshness_s,kappa_per_s,kappa_freshness_s,' +
        'lambda_running,kappa_running,cpu_percent:archlab-kappa-kafka-1,memory_bytes:archlab-kappa-kafka-1,cpu_percent:archlab-kappa-spark-1,memory_bytes:archlab-kappa-spark-1',
    );
    assert.equal(lines[1], `2026-11-25T10:00:00.000Z,${T},100,,100,,7,,90,,0,,,,,,,false,true,,,12.346,1048576`);
    assert.equal(lines[2], `2026-11-25T10:00:02.000Z,${T + 2000},200,50,200,,9,,190,50,0,,,,,50,0.2,false,true,5,1000,50,2097152`);
    assert.equal(lines[3], '');
  });

  it('CSV of an empty series is the header only', () => {
    assert.equal(timeSeriesCsv([]).split('\n').length, 2);
  });

  it('JSON: the series, its summary and the latest comparison', () => {
    const points = series();
    const doc = JSON.parse(comparisonJson({ comparison: compare(second), summary: summarize(points), points, exportedAt: T + 5000 })) as ComparisonExport;
    assert.equal(doc.format, 'archlab-comparison');
    assert.equal(doc.version, 1);
    assert.equal(doc.exportedAt, '2026-11-25T10:00:05.000Z');
    assert.equal(doc.series.length, 2);
    assert.equal(doc.series[1].totals.kappa, 190);
    assert.equal(doc.series[1].freshness.kappa, 200);
    assert.equal(doc.summary.rateInMean, 50);
    assert.equal(doc.latest?.totals.kappa.absoluteError, 10);
    assert.equal(doc.latest?.rows.find((r) => r.snack === 'twix')?.cells.kappa.difference, -5);
  });

  it('Markdown: answers the question, with accuracy, freshness, throughput, the measured comparison and the charts', () => {
    const points = series();
    const md = markdownReport({ comparison: compare(second), summary: summarize(points), points, charts: ['counts', 'freshness'], generatedAt: T + 5000 });
    assert.match(md, /^# Archlab comparison report\n/);
    assert.ok(md.includes('> How many items of each type were sold in total?'));
    assert.ok(
      md.includes(
        "**Answer** (the generator's source truth at 2026-11-25T10:00:02.000Z, 200 items): apple 120, banana 0, orange 0, blueberries 0, snickers 0, mars 0, twix 80, milkyway 0.",
      ),
    );
    assert.ok(md.includes('| Snack | Truth | Validation | Lambda batch | Lambda speed | Lambda serving | Kappa |'), md);
    assert.ok(md.includes('| apple | 120 | 120 | no data | 9 | no data | 115 (\u22125) |'), md);
    assert.ok(md.includes('| **Total** | 200 | 200 | no data | 9 | no data | 190 (\u221210) |'), md);
    // accuracy: Σ|d| = 5 + 5 = 10 of 200 → 95.00 %
    assert.ok(md.includes('| Kappa | 190 | \u221210 | 10 | 95.00 % |  |'), md);
    assert.ok(md.includes('| Validation | 200 | \u00b10 | 0 | 100.00 % | 1 |'), md);
    assert.ok(md.includes('| Lambda speed | 9 | partial view |  | n/a (partial) |  |'), md);
    // freshness: kappa's one sample 0.2 s (the first is unknown), validation 0 on the producing sample
    assert.ok(md.includes('| Kappa | 0.20 s | 0.20 s | 1 |'), md);
    assert.ok(md.includes('| Validation | 0.00 s | 0.00 s | 1 |'), md);
    assert.ok(md.includes('| Produced (in) | 50.0/s | 50.0/s |'), md);
    assert.ok(md.includes('| Kappa (out) | 50.0/s | 50.0/s |'), md);
    assert.ok(md.includes('## Lambda vs Kappa, as measured'));
    assert.ok(md.includes('|  | Lambda | Kappa |\n| --- | --- | --- |\n| Served view | Lambda serving | Kappa |'), md);
    assert.ok(md.includes('over the whole series, on the samples'), md);
    assert.ok(md.includes('| Stack running at the last snapshot | no | yes |'), md);
    assert.ok(md.includes('| Containers CPU / memory (last sample) | n/a | 55.0 % / 2 MiB (2 containers) |'), md);
    assert.ok(md.includes('- Lambda serving: no data in this snapshot (the stack was not running), so it is not compared.'), md);
    assert.ok(md.includes('- Kappa: served 190 items, 10 off the source truth over all snacks (net \u221210), accuracy 95.00 %.'), md);
    assert.ok(md.includes('- The validation consumer (no Spark) matched the source truth exactly.'), md);
    assert.ok(!md.includes('Median freshness'), 'no Lambda/Kappa freshness comparison without Lambda data');
    assert.ok(md.includes('![Counts](comparison-counts.png)'));
    assert.ok(md.includes('![Freshness](comparison-freshness.png)'));
    assert.ok(!md.includes('comparison-cpu.png'));
    assert.ok(!md.includes('NaN') && !md.includes('undefined'), md);
  });

  it('Markdown compares the two architectures when both served', () => {
    const both = (at: number, produced: number, lambda: number, kappa: number): ComparisonSnapshot => ({
      at,
      producedTotal: produced,
      truth: { apple: produced },
      views: { lambdaServing: { counts: { apple: lambda } }, kappa: { counts: { apple: kappa } } },
      stacks: { lambda: true, kappa: true },
    });
    const store = new SeriesStore();
    // produced 0 → 100 → 200; lambda 0 → 0 → 100 (passed 100 at 2 s: 2 s), kappa 0 → 50 → 150 (1 s, then passed 150 at 3 s: 1 s)
    [both(0, 0, 0, 0), both(2000, 100, 0, 50), both(4000, 200, 100, 150)].forEach((s) => store.add(s));
    const md = markdownReport({
      comparison: compare(both(4000, 200, 100, 150)),
      summary: summarize(store.points),
      points: store.points,
      charts: [],
      generatedAt: 5000,
    });
    // lambda freshness samples [2, 2] s, kappa [1, 1] s
    assert.ok(md.includes("- Median freshness: Kappa 1.00 s, Lambda serving 2.00 s: Kappa's is 1.00 s lower than Lambda's."), md);
    assert.ok(md.includes('| Accuracy | 50.00 % | 75.00 % |'), md);
    assert.ok(!md.includes('## Charts'));
  });

  it('Markdown without any snapshot says so', () => {
    const md = markdownReport({ comparison: undefined, summary: summarize([]), points: [], charts: [], generatedAt: 0 });
    assert.ok(md.includes('No snapshot of the views was read'));
    assert.ok(md.includes('The series is empty.'));
  });
});
