import * as assert from 'node:assert/strict';
import { ComparisonModel, pngBytes, type SeriesMemento } from '../../src/panels/comparisonModel';
import type { ComparisonSnapshot } from '../../src/core/comparison';

/** A 1×1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

class MemoryMemento implements SeriesMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const snapshot = (at: number, produced: number, kappa: number): ComparisonSnapshot => ({
  at,
  producedTotal: produced,
  truth: { apple: produced },
  views: { kappa: { counts: { apple: kappa } } },
  stacks: { lambda: false, kappa: true },
});

describe('comparison panel model (host side, no VS Code)', () => {
  it('accepts PNG data URLs only', () => {
    assert.deepEqual([...(pngBytes(PNG) as Uint8Array).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(pngBytes('data:image/jpeg;base64,AAAA'), undefined);
    assert.equal(pngBytes('data:image/png;base64,AAAA'), undefined, 'not a PNG signature');
    assert.equal(pngBytes('javascript:alert(1)'), undefined);
  });

  it('keeps the latest comparison and the series, and saves both for the next window', async () => {
    const memento = new MemoryMemento();
    const model = new ComparisonModel(memento);
    assert.ok(model.add(snapshot(1000, 10, 8)));
    assert.equal(model.add(snapshot(1000, 11, 9)), undefined, 'not newer: ignored');
    model.add({ ...snapshot(3000, 30, 30), containers: [{ name: 'archlab-kappa-kafka-1', cpuPercent: 5, memoryBytes: 1000 }] });
    assert.equal(model.latest?.totals.kappa.exact, true);
    await model.save();
    const reloaded = new ComparisonModel(memento);
    assert.deepEqual(
      reloaded.store.points.map((p) => p.totals.kappa),
      [8, 30],
    );
    assert.equal(reloaded.latest?.totals.kappa.total, 30, 'the last comparison shows until the next read');
    assert.equal(reloaded.store.points[1].containers, undefined, 'container figures are not saved (size)');
    assert.equal(model.store.points[1].containers?.length, 1, 'but kept in memory');
    reloaded.clear();
    assert.equal(new ComparisonModel(memento).store.points.length, 0);
  });

  it('builds the export: CSV, JSON, report, and only the valid chart images, referenced by the report', () => {
    const model = new ComparisonModel();
    model.add(snapshot(1000, 10, 8));
    model.add(snapshot(3000, 30, 28));
    const files = model.exportFiles({ counts: PNG, freshness: 'data:text/html;base64,PGgxPg==' }, null, 5000);
    assert.deepEqual([...files.keys()], ['comparison-counts.png', 'comparison-timeseries.csv', 'comparison.json', 'comparison-report.md']);
    const text = (name: string) => new TextDecoder().decode(files.get(name));
    assert.equal(text('comparison-timeseries.csv').trim().split('\n').length, 3);
    assert.equal(JSON.parse(text('comparison.json')).latest.totals.kappa.total, 28);
    assert.ok(text('comparison-report.md').includes('![Counts](comparison-counts.png)'));
    assert.ok(!text('comparison-report.md').includes('comparison-freshness.png'));
  });
});
