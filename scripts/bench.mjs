#!/usr/bin/env node
// `npm run bench`: figures for the design's budgets, printed, no pass/fail (a shared 2-core machine is noisy).
//   1. the data generator's events/s vs kafka-producer-perf-test's records/s: same broker, same record size, acks=all,
//      same 3-partition topic layout, alternating runs; and their ratio, with each producing client (kafkajs, the
//      generator's, and @platformatic/kafka behind the same interface)
//   2. the event-loop lag (p99) of the process running the GeneratorController while its worker (thread, or child
//      process) produces flat out
//   3. the Topics view's first level (listTopics) on a real broker with 2,000 topics
//   4. optionally the kappa freshness benchmark (test/python/bench_freshness.py) when it exists
// It starts the test bed's Kafka when it is not running (and stops it again at the end).
//   node scripts/bench.mjs [--records N] [--rounds N] [--topics N] [--no-gzip] [--no-topics] [--no-freshness]
import os from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { buildBenchBundles } from '../bench/build.mjs';
import { FRESHNESS_SERVICES, freshnessBenchAvailable, runFreshnessBench } from '../bench/freshness.mjs';
import { averageRecordSize, baselineLag, runGenerator } from '../bench/generatorThroughput.mjs';
import { runPerfTest } from '../bench/perfTest.mjs';
import { benchTopicListing } from '../bench/topics.mjs';
import { startServices, stopServices } from '../test/services/bed.mjs';
import { readState } from '../test/services/lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const RECORDS = option('records', 1_000_000);
const ROUNDS = option('rounds', 2);
const TOPICS = option('topics', 2000);
const PARTITIONS = 3;

const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const say = (line = '') => process.stdout.write(`${line}\n`);

async function createTopic(bootstrap, topic) {
  const kafka = new Kafka({ clientId: 'archlab-bench-setup', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(bootstrap, topics) {
  const kafka = new Kafka({ clientId: 'archlab-bench-setup', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
}

/** Alternating runs on fresh 3-partition topics: perf test, then the generator in each variant; returns the series. */
async function throughput(bundles, kafkaInfo, { compression, rounds, records, recordSize, run, variants }) {
  const perf = [];
  const key = (v) => `${v.client} ${v.isolation}`;
  const gen = Object.fromEntries(variants.map((v) => [key(v), []]));
  const topics = [];
  for (let round = 1; round <= rounds; round++) {
    const perfTopic = `bench-perf-${run}-${compression}-${round}`;
    topics.push(perfTopic);
    await createTopic(kafkaInfo.bootstrap, perfTopic);
    const p = await runPerfTest(kafkaInfo, { topic: perfTopic, records, recordSize, compression });
    perf.push(p);
    say(
      `  round ${round} kafka-producer-perf-test:      ${fmt(p.recordsPerSec)} records/s (${fmt(p.mbPerSec, 1)} MB/s, avg latency ${fmt(p.avgLatencyMs)} ms)`,
    );
    for (const variant of variants) {
      const { isolation, client } = variant;
      const genTopic = `bench-gen-${run}-${compression}-${client}-${isolation}-${round}`;
      topics.push(genTopic);
      await createTopic(kafkaInfo.bootstrap, genTopic);
      const idle = await baselineLag();
      const g = await runGenerator(bundles, { bootstrap: kafkaInfo.bootstrap, topic: genTopic, records, compression, isolation, kafkaClient: client });
      g.idleLagMs = idle;
      gen[key(variant)].push(g);
      say(
        `  round ${round} Archlab generator (${key(variant).padEnd(20)}): ${fmt(g.eventsPerSec)} events/s  (host event-loop lag p50 ${fmt(g.lagMs.p50, 1)} ms, p99 ${fmt(g.lagMs.p99, 1)} ms, ` +
          `max ${fmt(g.lagMs.max, 1)} ms; idle just before: p99 ${fmt(idle.p99, 1)} ms, max ${fmt(idle.max, 1)} ms; host thread busy ${fmt(g.hostUtilization * 100, 2)}%)`,
      );
    }
  }
  await deleteTopics(kafkaInfo.bootstrap, topics);
  return { perf, gen };
}

async function main() {
  const started = Date.now();
  const running = new Set(Object.keys(readState()));
  const startedHere = [];
  const need = async (services) => {
    for (const service of services) if (!running.has(service) && !startedHere.includes(service)) startedHere.push(service);
    await startServices(services);
  };
  say('Archlab bench');
  say(
    `machine: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes share these CPUs: expect noise)`,
  );
  await need(['kafka']);
  const kafkaInfo = readState().kafka;
  const run = Date.now().toString(36);
  try {
    const bundles = await buildBenchBundles();
    const size = averageRecordSize(bundles.core);
    const recordSize = Math.round(size.total);
    say(`broker: Kafka ${kafkaInfo.version} at ${kafkaInfo.bootstrap} (test bed, single node, KRaft)`);
    say(
      `record: ${recordSize} bytes = generated event JSON ${fmt(size.value, 1)} + key ${fmt(size.key, 1)} (perf-test --record-size ${recordSize}); acks=all; topics of ${PARTITIONS} partitions; ${fmt(RECORDS)} records per run`,
    );
    say('');

    const results = {};
    const compressions = flag('no-gzip') ? ['none'] : ['none', 'gzip'];
    for (const compression of compressions) {
      const rounds = compression === 'none' ? ROUNDS : 1;
      const records = compression === 'none' ? RECORDS : Math.min(RECORDS, 500_000);
      const variants =
        compression === 'none'
          ? [
              { client: 'kafkajs', isolation: 'thread' },
              { client: 'platformatic', isolation: 'thread' },
              { client: 'kafkajs', isolation: 'process' },
            ]
          : [{ client: 'kafkajs', isolation: 'thread' }];
      say(
        `throughput, compression ${compression} (${rounds} round${rounds > 1 ? 's' : ''}, alternating; ${variants.map((v) => `${v.client} as worker ${v.isolation}`).join(', ')}):`,
      );
      results[compression] = await throughput(bundles, kafkaInfo, { compression, rounds, records, recordSize, run, variants });
      say('');
    }

    let topicResult;
    if (!flag('no-topics')) {
      say(`Topics view first level with ${fmt(TOPICS)} topics:`);
      topicResult = await benchTopicListing(bundles, { bootstrap: kafkaInfo.bootstrap, count: TOPICS, prefix: `bench-many-${run}` });
      say(
        `  created ${fmt(TOPICS)} topics in ${fmt(topicResult.createMs / 1000, 1)} s; listTopics: first call (new client, connecting) ${fmt(topicResult.firstListMs)} ms, ` +
          `then median ${fmt(topicResult.warmListMs)} ms (${fmt(topicResult.listed)} topics listed); endOffsets of all ${fmt(topicResult.endOffsetsTopics)} (for message rates): ${fmt(topicResult.endOffsetsMs)} ms, again ${fmt(topicResult.endOffsetsWarmMs)} ms; deleted in ${fmt(topicResult.deleteMs / 1000, 1)} s`,
      );
      say('');
    }

    let freshness;
    const available = flag('no-freshness') ? undefined : freshnessBenchAvailable();
    if (available) {
      say(`kappa freshness (test/python/bench_freshness.py; starting ${FRESHNESS_SERVICES.filter((s) => !readState()[s]).join(', ') || 'nothing more'}):`);
      await need(FRESHNESS_SERVICES);
      freshness = await runFreshnessBench(available);
      for (const line of freshness.output.split('\n')) say(`  ${line}`);
      say('');
    }

    say('summary (goals from docs/design: report, not pass/fail):');
    for (const [compression, { perf, gen }] of Object.entries(results)) {
      const perfRate = mean(perf.map((p) => p.recordsPerSec));
      for (const [variant, runs] of Object.entries(gen)) {
        const genRate = mean(runs.map((g) => g.eventsPerSec));
        say(
          `  compression ${compression}, ${variant}: generator ${fmt(genRate)} events/s vs kafka-producer-perf-test ${fmt(perfRate)} records/s → ratio ${(genRate / perfRate).toFixed(2)}${compression === 'none' ? ' (goal ≥ 0.70)' : ''}`,
        );
      }
    }
    for (const variant of [...new Set(Object.values(results).flatMap((r) => Object.keys(r.gen)))]) {
      const runs = Object.values(results).flatMap((r) => r.gen[variant] ?? []);
      if (!runs.length) continue;
      say(
        `  host event-loop lag p99 while generating at full speed (${variant}): ${runs.map((g) => `${fmt(g.lagMs.p99, 1)} ms`).join(', ')} (goal ≤ 20 ms); ` +
          `same process idle just before: ${runs.map((g) => `${fmt(g.idleLagMs.p99, 1)} ms`).join(', ')}; host thread busy ${runs.map((g) => `${fmt(g.hostUtilization * 100, 2)}%`).join(', ')}`,
      );
    }
    if (topicResult)
      say(`  ${fmt(TOPICS)} topics, first level: ${fmt(topicResult.firstListMs)} ms first call, ${fmt(topicResult.warmListMs)} ms warm (goal ≤ 300 ms)`);
    if (freshness) say(`  kappa freshness: ${freshness.ok ? 'see above' : 'failed (see above)'}`);
    say(`  bench took ${fmt((Date.now() - started) / 1000)} s`);
  } finally {
    if (!flag('keep-bed') && startedHere.length) await stopServices(startedHere);
  }
}

main().catch((error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
