import * as assert from 'node:assert/strict';
import { serializeEvent, parseEvent } from '../../src/core/events';
import {
  addSnackCounts,
  countEvents,
  defaultRunId,
  emptySnackCounts,
  EventGenerator,
  eventsOfPurchase,
  isValidRunId,
  mulberry32,
  purchaseAt,
  seed32,
  steppedClock,
  totalOfSnackCounts,
} from '../../src/core/eventSource';
import { MACHINE_COUNT, SNACK_NAMES } from '../../src/core/snacks';
import { murmur2, partitionForKey } from '../../src/core/partitioner';
import { withLinearGrouping } from '../../src/clients/kafka/producer';

const START = Date.UTC(2026, 0, 1);
const make = (seed: number, runId = 'test', startPurchase?: number) =>
  new EventGenerator({ seed, runId, clock: steppedClock(START + (startPurchase ?? 0) * 250, 250), startPurchase });

describe('generator (core): seeded, reproducible events', () => {
  it('gives the same sequence for the same seed, run id and clock', () => {
    const a = make(42).take(20_000);
    const b = make(42).take(20_000);
    assert.deepEqual(a, b);
    const c = make(43).take(20_000);
    assert.notDeepEqual(
      a.map((e) => e.item),
      c.map((e) => e.item),
    );
  });

  it('pins the first events of seed 42 (the sequence must not change between versions)', () => {
    const first = make(42, 'golden').take(4);
    assert.deepEqual(
      first.map((e) => [e.event_id, e.snack_automat_id, e.customer_id, e.item, e.timestamp]),
      [
        ['golden-0-0', 'SNACK--82', 34, 'snickers', '2026-01-01T00:00:00.000Z'],
        ['golden-0-1', 'SNACK--82', 34, 'orange', '2026-01-01T00:00:00.000Z'],
        ['golden-0-2', 'SNACK--82', 34, 'milkyway', '2026-01-01T00:00:00.000Z'],
        ['golden-1-0', 'SNACK--64', 70, 'apple', '2026-01-01T00:00:00.250Z'],
      ],
    );
  });

  it('draws purchase n the same way whatever came before (random access, resumable)', () => {
    const all = make(7).take(5000);
    const resumed = make(7, 'test', 100).take(100);
    const firstOfPurchase100 = all.findIndex((e) => e.event_id === 'test-100-0');
    assert.ok(firstOfPurchase100 > 0);
    assert.deepEqual(resumed, all.slice(firstOfPurchase100, firstOfPurchase100 + 100));
    const purchase = purchaseAt(seed32(7), 100, START + 100 * 250);
    assert.deepEqual(eventsOfPurchase(purchase, 'test'), all.slice(firstOfPurchase100, firstOfPurchase100 + purchase.items.length));
  });

  it('serializes fast exactly as serializeEvent does, and every event parses as valid', () => {
    const objects = make(99).take(30_000);
    const fast = make(99);
    for (const event of objects) {
      const serialized = fast.nextSerialized();
      assert.equal(serialized.json, serializeEvent(event));
      assert.equal(serialized.item, event.item);
      assert.equal(serialized.key, event.snack_automat_id);
    }
    for (const event of objects.slice(0, 3000)) assert.deepEqual(parseEvent(serializeEvent(event)), { ok: true, event });
  });

  it('mixes next() and nextSerialized() on one sequence', () => {
    const reference = make(5).take(50).map(serializeEvent);
    const g = make(5);
    const mixed = reference.map((_, i) => (i % 2 ? g.nextSerialized().json : serializeEvent(g.next())));
    assert.deepEqual(mixed, reference);
    assert.equal(g.eventCount, 50);
  });

  it('gives unique event ids', () => {
    const ids = new Set(
      make(1)
        .take(100_000)
        .map((e) => e.event_id),
    );
    assert.equal(ids.size, 100_000);
  });

  it("has the lab's distributions (snacks uniform, 1-8 items weighted 8..1, all machines and customers)", () => {
    const g = make(2024);
    const events = g.take(300_000);
    const counts = countEvents(events);
    for (const name of SNACK_NAMES) {
      const share = counts[name] / events.length;
      assert.ok(Math.abs(share - 1 / 8) < 0.005, `${name}: ${share}`);
    }
    const purchases = new Map<string, { items: number; machine: string; customer: number; time: string }>();
    for (const e of events) {
      const key = e.event_id.slice(0, e.event_id.lastIndexOf('-'));
      const p = purchases.get(key) ?? { items: 0, machine: e.snack_automat_id, customer: e.customer_id, time: e.timestamp };
      assert.equal(p.machine, e.snack_automat_id);
      assert.equal(p.customer, e.customer_id);
      assert.equal(p.time, e.timestamp, 'all items of a purchase share its time');
      p.items++;
      purchases.set(key, p);
    }
    const complete = [...purchases.values()].slice(0, -1); // the last purchase may be cut short
    const mean = complete.reduce((s, p) => s + p.items, 0) / complete.length;
    assert.ok(Math.abs(mean - 120 / 36) < 0.03, `mean items per purchase ${mean}`);
    for (let k = 1; k <= 8; k++) {
      const share = complete.filter((p) => p.items === k).length / complete.length;
      assert.ok(Math.abs(share - (9 - k) / 36) < 0.01, `${k} items: ${share}`);
    }
    const machines = new Set(complete.map((p) => p.machine));
    assert.equal(machines.size, MACHINE_COUNT);
    const customers = complete.map((p) => p.customer);
    assert.equal(Math.min(...customers), 0);
    assert.equal(Math.max(...customers), 200);
    assert.equal(new Set(customers).size, 201);
  });

  it('uses the injected clock once per purchase, UTC ISO-8601 with milliseconds', () => {
    let reads = 0;
    const g = new EventGenerator({ seed: 3, runId: 'clock', clock: () => START + 1234 + reads++ });
    const events = g.take(1000);
    assert.equal(reads, g.nextPurchaseIndex);
    for (const e of events) assert.match(e.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(events[0].timestamp, '2026-01-01T00:00:01.234Z');
  });

  it('folds any seed to 32 bits deterministically and rejects non-finite seeds', () => {
    const seeds = [0, 1, -1, 42, 2 ** 32, 2 ** 40 + 5, -(2 ** 40), Number.MAX_SAFE_INTEGER];
    const folded = seeds.map(seed32);
    assert.equal(new Set(folded).size, seeds.length);
    assert.deepEqual(seeds.map(seed32), folded);
    for (const f of folded) assert.ok(Number.isInteger(f) && f >= 0 && f < 2 ** 32);
    assert.throws(() => seed32(Number.NaN), RangeError);
    assert.throws(() => seed32(Number.POSITIVE_INFINITY), RangeError);
  });

  it('mulberry32 gives uniform floats in [0, 1)', () => {
    const random = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  });

  it("validates run ids (they go into event ids, '-' is the separator)", () => {
    assert.ok(isValidRunId('s42.lx3k9a'));
    assert.ok(isValidRunId(defaultRunId(42, Date.now())));
    assert.ok(isValidRunId(defaultRunId(-5, 0)));
    for (const bad of ['', 'a-b', 'a b', 'a"b', 'x'.repeat(41), '.start']) assert.equal(isValidRunId(bad), false, bad);
    assert.throws(() => new EventGenerator({ seed: 1, runId: 'a-b' }), RangeError);
  });

  it('adds and totals snack counts', () => {
    const a = emptySnackCounts();
    assert.equal(totalOfSnackCounts(a), 0);
    a.apple = 2;
    const b = { ...emptySnackCounts(), apple: 1, twix: 5 };
    addSnackCounts(a, b);
    assert.deepEqual(a, { ...emptySnackCounts(), apple: 3, twix: 5 });
    assert.equal(totalOfSnackCounts(a), 8);
  });
});

describe('generator: Kafka partitioning and batching helpers', () => {
  it("murmur2 matches Kafka's (Java Utils.murmur2 test vectors) and kafkajs' DefaultPartitioner", () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) assert.equal(murmur2(key), hash, key);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string) => number;
    for (let i = 0; i < 126; i++) assert.equal(murmur2(`SNACK--${i}`), kafkajsMurmur2(`SNACK--${i}`));
    const perPartition = [0, 0, 0];
    for (let i = 0; i < 126; i++) perPartition[partitionForKey(`SNACK--${i}`, 3)]++;
    assert.ok(
      perPartition.every((n) => n > 25),
      `machines per partition ${perPartition}`,
    );
  });

  it('groups a batch per partition exactly as kafkajs does, in linear time', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const group = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: object) => Record<string, unknown[]>;
    const partitioner = ({ message }: { message: { partition: number } }) => message.partition;
    const partitionMetadata = [
      { partitionId: 0, leader: 1 },
      { partitionId: 1, leader: 1 },
      { partitionId: 2, leader: 1 },
    ];
    const messages = Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 7 === 0 ? 2 : 1 }));
    const expected = group({ topic: 't', partitionMetadata, messages: [...messages], partitioner });
    const fast = withLinearGrouping([...messages]);
    assert.deepEqual(group({ topic: 't', partitionMetadata, messages: fast, partitioner }), expected);
    assert.equal(
      fast.reduce((sum, m) => sum + m.partition, 0),
      messages.reduce((sum, m) => sum + m.partition, 0),
    );
    assert.deepEqual(Object.keys(fast), Object.keys(messages), 'no enumerable extra property');
    const started = process.hrtime.bigint();
    group({ topic: 't', partitionMetadata, messages: withLinearGrouping(Array.from({ length: 20_000 }, (_, i) => ({ partition: i % 3 }))), partitioner });
    assert.ok(process.hrtime.bigint() - started < 200_000_000n, 'grouping 20,000 messages takes well under 200 ms');
  });
});
