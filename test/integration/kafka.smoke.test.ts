// Smoke test of the test bed's real Kafka 4.x broker (test/services/kafka.mjs): topics, produce/consume,
// cluster metadata, the broker's version, Kafka's own producer perf test, and a crash + restart of the same broker.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { readTestbed, requireService } from '../support/testbed';

const exec = promisify(execFile);

describe('test bed: Kafka broker (real, KRaft)', function () {
  this.timeout(180_000);
  const info = requireService('kafka');
  const extra = info.extra as { logFile: string; toolCommand: string[]; control: string[] };
  const kafka = new Kafka({ clientId: 'archlab-kafka-smoke', brokers: [info.bootstrap], logLevel: logLevel.NOTHING });
  const run = `${Date.now()}-${process.pid}`;
  let admin: Admin;

  before(async () => {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
  });

  it('creates a topic with 3 partitions and reports them in the metadata', async () => {
    const topic = `smoke-partitions-${run}`;
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }), true);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics.length, 1);
    assert.deepEqual(topics[0].partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
    assert.ok(
      topics[0].partitions.every((p) => p.leader === 1),
      'every partition has broker 1 as leader',
    );
    assert.ok((await admin.listTopics()).includes(topic));
  });

  it('consumes back exactly what was produced', async () => {
    const topic = `smoke-roundtrip-${run}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const sent = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 17}`, value: JSON.stringify({ i, snack: `snack-${i}` }) }));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const received = await consumeAll(kafka, topic, `smoke-group-${run}`, sent.length);
    const asPairs = (ms: { key: string; value: string }[]) => ms.map((m) => `${m.key}|${m.value}`).sort();
    assert.deepEqual(asPairs(received), asPairs(sent));
  });

  it('describes a cluster of exactly one broker at the advertised address', async () => {
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    const [host, port] = info.bootstrap.split(':');
    assert.deepEqual(cluster.brokers[0], { nodeId: 1, host, port: Number(port) });
    assert.equal(cluster.controller, 1);
    assert.ok(cluster.clusterId.length > 0);
  });

  it('is a Kafka 4.x broker (recorded, logged by the broker, and negotiated over the wire)', async () => {
    assert.match(info.version, /^4\.\d+\.\d+$/);
    // 1. the broker's own start-up line
    const logged = /Kafka version: (\S+)/.exec(fs.readFileSync(extra.logFile, 'utf8'));
    assert.equal(logged?.[1], info.version);
    // 2. over the wire: Kafka's FeatureCommand reads the broker's ApiVersions features; the finalized
    //    metadata.version is named after the release that introduced it (e.g. 4.4-IV2 on a 4.4 broker).
    const [java, ...toolArgs] = extra.toolCommand;
    const { stdout } = await exec(java, [...toolArgs, 'org.apache.kafka.tools.FeatureCommand', '--bootstrap-server', info.bootstrap, 'describe']);
    const finalized = /Feature: metadata\.version\s.*FinalizedVersionLevel: (\d+)\.(\d+)-IV\d+/.exec(stdout);
    assert.ok(finalized, `no metadata.version in FeatureCommand output:\n${stdout}`);
    assert.equal(`${finalized[1]}.${finalized[2]}`, info.version.split('.').slice(0, 2).join('.'));
  });

  it('runs kafka-producer-perf-test (ProducerPerformance) from the same artifacts', async () => {
    const [java, ...args] = info.perfTest;
    const { stdout } = await exec(java, [
      ...args,
      '--topic',
      `smoke-perf-${run}`,
      '--num-records',
      '5000',
      '--record-size',
      '200',
      '--throughput',
      '-1',
      '--bootstrap-server',
      info.bootstrap,
      '--command-property',
      'acks=all',
    ]);
    const final = /(\d+) records sent, ([\d.]+) records\/sec/.exec(stdout);
    assert.ok(final, `no summary line in:\n${stdout}`);
    assert.equal(Number(final[1]), 5000);
    assert.ok(Number(final[2]) > 0, `records/sec = ${final[2]}`);
  });

  it('survives a crash and restart of the same broker (same data, new pid in the state file)', async () => {
    const topic = `smoke-restart-${run}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `before-crash-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();
    await admin.disconnect();

    const before = readTestbed().kafka!.pids;
    const [node, control] = extra.control;
    await exec(node, [control, 'kill-broker']);
    await exec(node, [control, 'start-broker']);
    const after = readTestbed().kafka!.pids;
    assert.notDeepEqual(after, before);
    process.kill(after[0], 0); // alive

    admin = kafka.admin();
    await admin.connect();
    const received = await consumeAll(kafka, topic, `smoke-restart-group-${run}`, sent.length);
    assert.deepEqual(received.map((m) => m.value).sort(), sent.map((m) => m.value).sort());
  });
});

async function consumeAll(kafka: Kafka, topic: string, groupId: string, count: number): Promise<{ key: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId });
  const received: { key: string; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length}/${count} messages consumed from ${topic}`)), 60_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await new Promise((r) => setTimeout(r, 300)); // anything beyond `count` would be a duplicate: let it arrive
  } finally {
    await consumer.disconnect();
  }
  return received;
}
