// The data generator (src/workers/generator + src/services/generator: worker thread + controller) against the test bed's real Kafka 4 broker:
// exact truth, reproducible sequences, rate control, and broker crashes that lose and duplicate nothing.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClientError, type KafkaLogEntry } from '../../src/clients/kafka/types';
import { parseEvent, serializeEvent } from '../../src/core/events';
import { emptySnackCounts, EventGenerator, steppedClock, type SnackCounts } from '../../src/core/eventSource';
import { GeneratorController, type GeneratorStatus } from '../../src/services/generator/controller';
import { finishTogether } from '../../src/services/generator/generatorService';
import { partitionForKey } from '../../src/core/partitioner';
import { requireService } from '../support/testbed';

const exec = promisify(execFile);
const workerPath = path.resolve(__dirname, '..', '..', 'src', 'workers', 'generator', 'worker.js');

describe('data generator (worker + controller) against a real broker', function () {
  this.timeout(180_000);
  const info = requireService('kafka');
  const bootstrap = info.bootstrap;
  const [node, controlScript] = (info.extra as { control: string[] }).control;
  const run = `${Date.now().toString(36)}${process.pid}`;
  const kafka = new Kafka({ clientId: 'archlab-test-readback', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const unhandled: unknown[] = [];
  const trap = (reason: unknown) => {
    unhandled.push(reason);
  };
  const controllers: GeneratorController[] = [];
  const topics: string[] = [];
  const logs: KafkaLogEntry[] = [];

  function controller(): GeneratorController {
    const c = new GeneratorController({ workerPath, logger: (e) => logs.push(e) });
    controllers.push(c);
    return c;
  }
  function topic(name: string): string {
    const t = `gen-${run}-${name}`;
    topics.push(t);
    return t;
  }

  before(() => {
    process.on('unhandledRejection', trap);
  });
  after(async () => {
    await Promise.all(controllers.map((c) => c.dispose()));
    const admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) }).catch(() => {});
    await admin.disconnect();
    process.off('unhandledRejection', trap);
    assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
  });

  it('produces 100,000 events at full speed: the truth equals what a consumer reads back, exactly', async () => {
    const t = topic('exact');
    const generator = controller();
    const started = await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 7, maxEvents: 100_000 });
    assert.equal(started.state, 'running');
    assert.equal(started.partitions, 3, 'the generator creates the topic with 3 partitions');
    await waitFor(generator, (s) => s.state === 'done', 120_000);
    const final = await generator.stop();
    assert.equal(final.state, 'stopped');
    assert.equal(final.acked, 100_000);
    assert.equal(final.produced, 100_000);
    assert.equal(final.inDoubt, 0);
    assert.equal(total(final.truth), 100_000);

    // Unique ids and per-snack counts equal to the truth; the truth sums to 100,000 (above).
    await assertTopicEqualsTruth(kafka, t, final.truth);
    console.log(`      100,000 events at ${Math.round(final.averageRate)} events/s`);
  });

  it("produces the same sequence for the same seed (each partition holds the seed's events in order)", async () => {
    const options = { eventsPerSecond: 0, seed: 12345, runId: 'repro', maxEvents: 3000, fixedClock: { startMs: Date.UTC(2026, 0, 1), msPerPurchase: 250 } };
    const [t1, t2] = [topic('same-1'), topic('same-2')];
    for (const t of [t1, t2]) {
      const generator = controller();
      await generator.start({ brokers: [bootstrap], topic: t, ...options });
      await waitFor(generator, (s) => s.state === 'done', 60_000);
      assert.equal((await generator.stop()).acked, 3000);
    }
    const [first, second] = [await readAll(kafka, t1), await readAll(kafka, t2)];
    assert.deepEqual(first, second);
    // ... and it is the core generator's sequence, split by Kafka's key partitioner.
    const reference = new EventGenerator({ seed: 12345, runId: 'repro', clock: steppedClock(Date.UTC(2026, 0, 1), 250) }).take(3000);
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    for (const event of reference) expected.get(partitionForKey(event.snack_automat_id, 3))!.push(serializeEvent(event));
    assert.deepEqual(first, expected);
  });

  it('stops several runs of one seed at the same event (one fast, one slow): both topics hold the same events', async () => {
    const [fastTopic, slowTopic] = [topic('together-fast'), topic('together-slow')];
    const fast = controller();
    const slow = controller();
    await fast.start({ brokers: [bootstrap], topic: fastTopic, eventsPerSecond: 2000, seed: 99 });
    await slow.start({ brokers: [bootstrap], topic: slowTopic, eventsPerSecond: 200, seed: 99 });
    await waitFor(fast, (s) => s.acked >= 3000, 60_000);
    const behind = fast.status().produced - slow.status().produced;
    assert.ok(behind > 1000, `the slow run is behind (${behind} events)`);
    const target = await finishTogether([fast, slow]);
    const [a, b] = [await fast.stop(), await slow.stop()];
    assert.equal(a.acked, target);
    assert.equal(b.acked, target, 'the slow run caught up with the fast one');
    assert.deepEqual(b.truth, a.truth, 'the same events, so the same truth');
    await assertTopicEqualsTruth(kafka, fastTopic, a.truth);
    await assertTopicEqualsTruth(kafka, slowTopic, b.truth);
  });

  it('holds the target rate within 10% at 100 and at 1,000 events/s, changed while running', async function () {
    this.timeout(60_000);
    const generator = controller();
    const calls: number[] = [];
    const subscription = generator.onStatus(() => calls.push(Date.now()));
    await generator.start({ brokers: [bootstrap], topic: topic('rate'), eventsPerSecond: 100, seed: 1 });
    await sleep(1000);
    const at100 = await measureRate(generator, 4000);
    generator.setRate(1000);
    assert.equal(generator.status().targetRate, 1000);
    await sleep(1000);
    const at1000 = await measureRate(generator, 4000);
    const final = await generator.stop();
    subscription.dispose();
    console.log(`      measured ${at100.toFixed(1)} events/s at 100, ${at1000.toFixed(1)} events/s at 1000 (status said ${final.targetRate})`);
    assert.ok(Math.abs(at100 - 100) <= 10, `at 100 events/s: measured ${at100}`);
    assert.ok(Math.abs(at1000 - 1000) <= 100, `at 1000 events/s: measured ${at1000}`);
    assert.equal(final.inDoubt, 0);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]);
    assert.ok(calls.length >= 20, `${calls.length} status updates`);
    assert.ok(Math.min(...gaps) >= 240, `onStatus at most every 250 ms (smallest gap ${Math.min(...gaps)} ms)`);
  });

  it('rides out a broker crash and restart mid-run: nothing lost, nothing duplicated', async function () {
    this.timeout(120_000);
    const t = topic('crash');
    const generator = controller();
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 5000, seed: 99 });
    await waitFor(generator, (s) => s.acked > 5000, 30_000);
    await exec(node, [controlScript, 'kill-broker']); // SIGKILL: requests in flight are cut off
    const atCrash = generator.status().acked;
    await sleep(2000);
    await exec(node, [controlScript, 'start-broker']);
    const back = Date.now();
    await waitFor(generator, (s) => s.acked > atCrash + 1000, 90_000);
    console.log(`      producing again ${Date.now() - back} ms after the broker was ready (${atCrash} acked at the crash)`);
    await waitFor(generator, (s) => s.acked > atCrash + 5000, 60_000);
    const final = await generator.stop();
    assert.equal(final.state, 'stopped');
    assert.equal(final.inDoubt, 0, 'the idempotent producer resolved every request');
    assert.equal(final.lastError, undefined);
    await assertTopicEqualsTruth(kafka, t, final.truth);
  });

  // The second client behind src/clients/kafka (measured beside kafkajs in `npm run bench`): the same exactness.
  it('with @platformatic/kafka as the producing client: 100,000 events, the truth equals what a consumer reads back', async () => {
    const t = topic('platformatic');
    const generator = controller();
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 8, maxEvents: 100_000, kafkaClient: 'platformatic' });
    await waitFor(generator, (s) => s.state === 'done', 120_000);
    const final = await generator.stop();
    assert.equal(final.acked, 100_000);
    assert.equal(final.inDoubt, 0);
    await assertTopicEqualsTruth(kafka, t, final.truth);
    console.log(`      @platformatic/kafka: 100,000 events at ${Math.round(final.averageRate)} events/s`);
  });

  it('with @platformatic/kafka: rides out a broker crash and restart mid-run, nothing lost, nothing duplicated', async function () {
    this.timeout(120_000);
    const t = topic('platformatic-crash');
    const generator = controller();
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 5000, seed: 98, kafkaClient: 'platformatic' });
    await waitFor(generator, (s) => s.acked > 5000, 30_000);
    await exec(node, [controlScript, 'kill-broker']);
    const atCrash = generator.status().acked;
    await sleep(2000);
    await exec(node, [controlScript, 'start-broker']);
    await waitFor(generator, (s) => s.acked > atCrash + 5000, 90_000);
    const final = await generator.stop();
    assert.equal(final.inDoubt, 0, 'the idempotent producer resolved every request');
    assert.equal(final.lastError, undefined);
    await assertTopicEqualsTruth(kafka, t, final.truth);
  });

  it('pauses when a request fails for good while the broker is down, and resume() settles the events in doubt exactly', async function () {
    this.timeout(120_000);
    const t = topic('pause');
    const generator = controller();
    await generator.start({
      brokers: [bootstrap],
      topic: t,
      eventsPerSecond: 5000,
      seed: 5,
      tuning: { retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 400 } },
    });
    await waitFor(generator, (s) => s.acked > 5000, 30_000);
    await exec(node, [controlScript, 'kill-broker']);
    try {
      const paused = await waitFor(generator, (s) => s.state === 'paused', 60_000);
      assert.ok(paused.lastError, 'the pause says why');
      assert.ok(['unreachable', 'timeout'].includes(paused.lastError.kind), JSON.stringify(paused.lastError));
      await sleep(600);
      const still = generator.status();
      await sleep(600);
      assert.equal(generator.status().produced, still.produced, 'nothing new is produced while paused');
    } finally {
      await exec(node, [controlScript, 'start-broker']);
    }
    const inDoubt = generator.status().inDoubt;
    generator.resume();
    const resumed = await waitFor(generator, (s) => s.state === 'running' && s.inDoubt === 0 && s.acked > 0, 60_000);
    await waitFor(generator, (s) => s.acked > resumed.acked + 5000, 60_000);
    const final = await generator.stop();
    assert.equal(final.inDoubt, 0, `${inDoubt} events were in doubt; all settled`);
    await assertTopicEqualsTruth(kafka, t, final.truth);
  });

  it('runs in a child process too (isolation: process): exact truth, and the process ends with its parent', async function () {
    this.timeout(90_000);
    const t = topic('process');
    const generator = new GeneratorController({ workerPath, isolation: 'process', logger: (e) => logs.push(e) });
    controllers.push(generator);
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 11, maxEvents: 30_000 });
    await waitFor(generator, (s) => s.state === 'done', 60_000);
    const final = await generator.stop();
    assert.equal(final.acked, 30_000);
    await assertTopicEqualsTruth(kafka, t, final.truth);

    // A host that dies (SIGKILL, no clean-up) must not leave its generator producing.
    const script = `
      const { GeneratorController } = require(${JSON.stringify(path.resolve(__dirname, '..', '..', 'src', 'services', 'generator', 'controller.js'))});
      const c = new GeneratorController({ workerPath: ${JSON.stringify(workerPath)}, isolation: 'process' });
      c.start({ brokers: [${JSON.stringify(bootstrap)}], topic: ${JSON.stringify(topic('orphan'))}, eventsPerSecond: 50, seed: 1 })
        .then(() => console.log('started'), (e) => { console.error(e.message); process.exit(1); });`;
    const host = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      host.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('started')) resolve();
      });
      host.on('exit', (code) => reject(new Error(`host exited with ${code}`)));
    });
    const children = childrenOf(host.pid!);
    assert.equal(children.length, 1, 'one generator process');
    host.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (isAlive(children[0]) && Date.now() < deadline) await sleep(100);
    assert.equal(isAlive(children[0]), false, 'the generator process ended with its host');
  });

  it('fails to start with an "unreachable" error when no broker answers, and can start again afterwards', async () => {
    const generator = controller();
    const started = Date.now();
    await assert.rejects(generator.start({ brokers: ['127.0.0.1:1'], topic: topic('never'), eventsPerSecond: 10, seed: 1 }), (e: unknown) => {
      assert.ok(e instanceof KafkaClientError, String(e));
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /No Kafka broker answered at 127\.0\.0\.1:1/);
      return true;
    });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(generator.status().state, 'failed');
    assert.equal(generator.active, false);
    await assert.rejects(
      generator.start({ brokers: [bootstrap], topic: topic('bad'), eventsPerSecond: -1, seed: 1 }),
      (e: KafkaClientError) => e.kind === 'invalid-request',
    );
    const t = topic('again');
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 1, maxEvents: 500, partitions: 2 });
    await assert.rejects(generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 1 }), /already/);
    const done = await waitFor(generator, (s) => s.state === 'done', 30_000);
    assert.equal(done.partitions, 2);
    const first = await generator.stop();
    assert.equal(first.acked, 500);
    // Where its events are: the ranges of its batches cover exactly the 500 offsets of the fresh topic.
    const covered = (ranges: Record<number, [number, number][]>) =>
      Object.values(ranges)
        .flat()
        .reduce((n, [from, to]) => n + to - from, 0);
    assert.equal(covered(first.ranges), 500);
    for (const ranges of Object.values(first.ranges)) assert.equal(ranges.length, 1, 'one contiguous range per partition: nobody else wrote');
    // A second run into the same topic: its ranges start where the first run's end.
    await generator.start({ brokers: [bootstrap], topic: t, eventsPerSecond: 0, seed: 2, maxEvents: 300 });
    await waitFor(generator, (s) => s.state === 'done', 30_000);
    const second = await generator.stop();
    assert.equal(covered(second.ranges), 300);
    for (const [p, ranges] of Object.entries(second.ranges)) assert.equal(ranges[0][0], first.ranges[Number(p)]?.[0]?.[1] ?? 0, `partition ${p} continues`);
    const both = Object.fromEntries(Object.entries(first.truth).map(([k, v]) => [k, v + second.truth[k as keyof SnackCounts]])) as SnackCounts;
    assert.equal(total(both), 800);
    await assertTopicEqualsTruth(kafka, t, both);
  });
});

/** Pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function total(counts: SnackCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls the controller's status until `done` holds. */
async function waitFor(generator: GeneratorController, done: (s: GeneratorStatus) => boolean, timeoutMs: number): Promise<GeneratorStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = generator.status();
    if (done(status)) return status;
    if (status.state === 'failed') throw new Error(`generator failed: ${JSON.stringify(status.lastError)}`);
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify({ ...status, truth: undefined })}`);
    await sleep(50);
  }
}

/** Acknowledged events per second over `ms`, from the acked counter (which advances with every ack). */
async function measureRate(generator: GeneratorController, ms: number): Promise<number> {
  const first = await nextStatus(generator);
  await sleep(ms);
  const last = await nextStatus(generator);
  return ((last.acked - first.acked) * 1000) / (last.updatedAt - first.updatedAt);
}

function nextStatus(generator: GeneratorController): Promise<GeneratorStatus> {
  const before = generator.status().updatedAt;
  return new Promise((resolve) => {
    const poll = () => {
      const s = generator.status();
      if (s.updatedAt !== before) resolve(s);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Every message of a topic, per partition in offset order. */
async function readAll(kafka: Kafka, topic: string): Promise<Map<number, string[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const result = new Map<number, string[]>(ends.map((p) => [p.partition, []]));
  if (expected === 0) return result;
  const groupId = `readback-${topic}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 50 * 1024 * 1024, maxBytesPerPartition: 10 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${count} of ${expected} messages of ${topic}`)), 120_000);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const values = result.get(batch.partition)!;
            for (const m of batch.messages) values.push(m.value!.toString());
            count += batch.messages.length;
            if (count >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await sleep(300); // anything past the end offsets would be a bug: give it a chance to show up
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => {});
    await admin2.disconnect();
  }
  assert.equal(count, expected);
  return result;
}

async function assertTopicEqualsTruth(kafka: Kafka, topic: string, truth: SnackCounts): Promise<void> {
  const read = await readAll(kafka, topic);
  const counts = emptySnackCounts();
  const ids = new Set<string>();
  let n = 0;
  for (const values of read.values()) {
    for (const value of values) {
      const parsed = parseEvent(value);
      assert.ok(parsed.ok, value);
      counts[parsed.event.item]++;
      ids.add(parsed.event.event_id);
      n++;
    }
  }
  assert.equal(ids.size, n, `${n - ids.size} duplicated event ids`);
  assert.deepEqual(counts, truth, 'per-snack counts in the topic equal the truth');
}
