// src/clients/kafka against the test bed's real Kafka 4 broker: what the Topics view and its commands use.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { promisify } from 'node:util';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  Kafka,
  logLevel,
  type KafkaJSRequestTimeoutErrorMetadata,
} from 'kafkajs';
import {
  clusterKey,
  createKafkaAdmin,
  createKafkaClientRegistry,
  isKafkaClientError,
  KafkaClientError,
  KafkaClientRegistry,
  toKafkaClientError,
  type KafkaAdminClient,
  type KafkaLogEntry,
} from '../../src/clients/kafka';
import { requireService } from '../support/testbed';

const exec = promisify(execFile);

describe('Kafka client (src/clients/kafka) against a real broker', function () {
  this.timeout(120_000);
  const info = requireService('kafka');
  const bootstrap = info.bootstrap;
  const control = (info.extra as { control: string[] }).control;
  const run = `${Date.now().toString(36)}${process.pid}`;
  const topicA = `ka-${run}-a`;
  const topicB = `ka-${run}-b`;
  const topicC = `ka-${run}-c`;
  const lagGroup = `ka-${run}-lag`;
  const liveGroup = `ka-${run}-live`;
  const initGroup = `ka-${run}-init`;
  const kafka = new Kafka({ clientId: 'archlab-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const unhandled: unknown[] = [];
  const trap = (reason: unknown) => {
    unhandled.push(reason);
  };
  let client: KafkaAdminClient;
  const logs: KafkaLogEntry[] = [];
  /** Messages of topic A: value, timestamp, partition chosen by key. */
  const producedA: { key: string; value: string; timestamp: number }[] = [];

  before(async () => {
    process.on('unhandledRejection', trap);
    client = createKafkaAdmin({ brokers: [bootstrap], clientId: 'archlab-test-admin' }, { logger: (e) => logs.push(e), logLevel: 'warn' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topicA, numPartitions: 3 },
        { topic: topicB, numPartitions: 1 },
        { topic: topicC, numPartitions: 2 },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const base = Date.now() - 60_000;
    for (let i = 0; i < 40; i++) producedA.push({ key: `k${i % 11}`, value: JSON.stringify({ i, snack: 'twix' }), timestamp: base + i * 10 });
    // One send per message: every message its own increasing timestamp, so "the latest N" is well defined.
    for (const m of producedA) await producer.send({ topic: topicA, acks: -1, messages: [{ key: m.key, value: m.value, timestamp: String(m.timestamp) }] });
    await producer.send({ topic: topicB, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `b${i}` })) });
    await producer.disconnect();
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topicA, topicB, topicC] }).catch(() => {});
    await admin.deleteGroups([lagGroup, liveGroup, initGroup]).catch(() => {});
    await admin.disconnect();
    await client?.close();
    process.off('unhandledRejection', trap);
    assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
  });

  it('describes the cluster', async () => {
    const cluster = await client.describeCluster();
    const [host, port] = bootstrap.split(':');
    assert.deepEqual(cluster.brokers, [{ nodeId: 1, host, port: Number(port) }]);
    assert.equal(cluster.controllerId, 1);
    assert.ok(cluster.clusterId.length > 0);
  });

  it('lists topics with their partition counts, internal ones only on request', async () => {
    // __consumer_offsets exists once a group has committed: make sure it does.
    const setup = kafka.admin();
    await setup.connect();
    await setup.setOffsets({ groupId: initGroup, topic: topicB, partitions: [{ partition: 0, offset: '0' }] });
    await setup.disconnect();
    const visible = await client.listTopics();
    const ours = visible.filter((t) => t.name.startsWith(`ka-${run}-`));
    assert.deepEqual(ours, [
      { name: topicA, internal: false, partitionCount: 3 },
      { name: topicB, internal: false, partitionCount: 1 },
      { name: topicC, internal: false, partitionCount: 2 },
    ]);
    assert.ok(
      visible.every((t) => !t.internal && !t.name.startsWith('_')),
      'internal topics hidden by default',
    );
    assert.deepEqual(
      visible.map((t) => t.name),
      [...visible.map((t) => t.name)].sort(),
      'sorted by name',
    );
    const all = await client.listTopics({ includeInternal: true });
    const offsets = all.find((t) => t.name === '__consumer_offsets');
    assert.ok(offsets, 'includeInternal shows __consumer_offsets');
    assert.equal(offsets.internal, true);
    assert.equal(all.length, visible.length + all.filter((t) => t.internal).length);
  });

  it('describes a topic: partitions with leader, replicas, start and end offsets', async () => {
    const details = await client.describeTopic(topicA);
    assert.equal(details.name, topicA);
    assert.equal(details.internal, false);
    assert.deepEqual(
      details.partitions.map((p) => p.partition),
      [0, 1, 2],
    );
    for (const p of details.partitions) {
      assert.equal(p.leader, 1);
      assert.deepEqual(p.replicas, [1]);
      assert.deepEqual(p.isr, [1]);
      assert.equal(p.startOffset, 0n);
      assert.equal(typeof p.endOffset, 'bigint');
    }
    assert.equal(
      details.partitions.reduce((s, p) => s + p.endOffset, 0n),
      40n,
    );
    assert.equal(details.messageCount, 40n);
    const empty = await client.describeTopic(topicC);
    assert.equal(empty.messageCount, 0n);
  });

  it('reads end offsets of many topics at once, leaving out topics that do not exist', async () => {
    const ends = await client.endOffsets([topicA, topicB, topicC, `ka-${run}-missing`]);
    assert.deepEqual([...ends.entries()].sort(), [
      [topicA, 40n],
      [topicB, 5n],
      [topicC, 0n],
    ]);
    assert.deepEqual(await client.endOffsets([]), new Map());
  });

  it("reports a consumer group's state and its exact lag per partition", async () => {
    const details = await client.describeTopic(topicA);
    const end = new Map(details.partitions.map((p) => [p.partition, p.endOffset]));
    const withMessages = details.partitions.filter((p) => p.endOffset >= 2n).map((p) => p.partition);
    assert.ok(withMessages.length >= 2, 'keys spread over partitions');
    const [p1, p2] = withMessages;
    // Produced N = 40; committed: 1 on p1, everything on p2, nothing on the third partition.
    const committed = new Map([
      [p1, 1n],
      [p2, end.get(p2)!],
    ]);
    const setup = kafka.admin();
    await setup.connect();
    await setup.setOffsets({
      groupId: lagGroup,
      topic: topicA,
      partitions: [...committed].map(([partition, offset]) => ({ partition, offset: String(offset) })),
    });
    await setup.disconnect();
    const lag = await client.consumerGroupLag(lagGroup);
    assert.equal(lag.groupId, lagGroup);
    assert.equal(lag.state, 'Empty');
    const expected = [0, 1, 2].map((partition) => {
      const committedOffset = committed.get(partition) ?? null;
      const endOffset = end.get(partition)!;
      return { topic: topicA, partition, committedOffset, endOffset, lag: endOffset - (committedOffset ?? 0n) };
    });
    assert.deepEqual(lag.partitions, expected);
    assert.equal(lag.totalLag, 40n - 1n - end.get(p2)!);
  });

  it('lists consumer groups with their state and members (a live one is Stable)', async () => {
    const consumer = kafka.consumer({ groupId: liveGroup, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topicB], fromBeginning: true });
    let seen = 0;
    const consumed = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async () => {
          if (++seen === 5) resolve();
        },
      });
    });
    await consumed;
    await consumer.commitOffsets([{ topic: topicB, partition: 0, offset: '5' }]);
    try {
      const groups = await client.listConsumerGroups();
      const live = groups.find((g) => g.groupId === liveGroup);
      assert.deepEqual(live, { groupId: liveGroup, state: 'Stable', protocolType: 'consumer', memberCount: 1 });
      const lagging = groups.find((g) => g.groupId === lagGroup);
      assert.equal(lagging?.state, 'Empty');
      assert.equal(lagging?.memberCount, 0);
      const lag = await client.consumerGroupLag(liveGroup);
      assert.equal(lag.state, 'Stable');
      assert.deepEqual(lag.partitions, [{ topic: topicB, partition: 0, committedOffset: 5n, endOffset: 5n, lag: 0n }]);
    } finally {
      await consumer.disconnect();
    }
  });

  it('peeks the latest N messages across partitions, newest last, with JSON parsed, and leaves no group behind', async () => {
    const latest = await client.peekLatest(topicA, 10);
    assert.deepEqual(
      latest.map((m) => m.value),
      producedA.slice(-10).map((m) => m.value),
    );
    assert.deepEqual(
      latest.map((m) => m.timestamp.getTime()),
      producedA.slice(-10).map((m) => m.timestamp),
    );
    for (const m of latest) {
      assert.equal(m.topic, topicA);
      assert.equal(typeof m.offset, 'bigint');
      assert.deepEqual(m.json, JSON.parse(m.value!));
      assert.match(m.key!, /^k\d+$/);
    }
    const everything = await client.peekLatest(topicA, 1000);
    assert.equal(everything.length, 40);
    assert.deepEqual(await client.peekLatest(topicC, 5), []);
    await assert.rejects(client.peekLatest(topicA, 0), (e: KafkaClientError) => e.kind === 'invalid-request');
    const groups = await client.listConsumerGroups();
    assert.deepEqual(
      groups.filter((g) => g.groupId.startsWith('archlab-peek-')),
      [],
      'peek groups are deleted',
    );
  });

  it('produces a message and reads it back', async () => {
    const { partition, offset } = await client.produce(topicC, { key: 'hello', value: '{"snack":"mars"}', headers: { source: 'test' } });
    assert.ok(partition === 0 || partition === 1);
    assert.equal(offset, 0n);
    const [peeked] = await client.peekLatest(topicC, 1);
    assert.equal(peeked.partition, partition);
    assert.equal(peeked.offset, offset);
    assert.equal(peeked.key, 'hello');
    assert.deepEqual(peeked.json, { snack: 'mars' });
    assert.deepEqual(peeked.headers, { source: 'test' });
    const plain = await client.produce(topicC, { value: 'not json' });
    const [last] = await client.peekLatest(topicC, 1);
    assert.equal(last.offset, plain.offset);
    assert.equal(last.value, 'not json');
    assert.equal(last.json, undefined);
    await assert.rejects(client.produce(`ka-${run}-nowhere`, { value: 'x' }), (e: KafkaClientError) => e.kind === 'topic-not-found');
  });

  it('creates and deletes topics, with clear errors for existing and missing ones', async () => {
    const name = `ka-${run}-created`;
    await client.createTopic({ name, partitions: 4, config: { 'retention.ms': '3600000' } });
    assert.deepEqual(
      (await client.listTopics()).find((t) => t.name === name),
      { name, internal: false, partitionCount: 4 },
    );
    await assert.rejects(client.createTopic({ name, partitions: 1 }), (e: KafkaClientError) => {
      assert.equal(e.kind, 'topic-exists');
      assert.match(e.message, /already exists/);
      return true;
    });
    await client.produce(name, { value: 'x' });
    await client.deleteTopic(name);
    assert.equal(
      (await client.listTopics()).some((t) => t.name === name),
      false,
    );
    await assert.rejects(client.deleteTopic(name), (e: KafkaClientError) => e.kind === 'topic-not-found');
    await assert.rejects(client.describeTopic(name), (e: KafkaClientError) => e.kind === 'topic-not-found' && e.message.includes(name));
    await assert.rejects(client.createTopic({ name: 'bad name!', partitions: 1 }), (e: KafkaClientError) => e.kind === 'invalid-request');
    // A deleted topic must not break later calls (kafkajs keeps topics it has seen in its metadata requests).
    assert.equal((await client.endOffsets([topicA])).get(topicA), 40n);
    await client.produce(topicC, { value: 'still works' });
    assert.equal((await client.describeTopic(topicA)).messageCount, 40n);
  });

  it('fails fast with an "unreachable" error that says what to do when no broker answers', async () => {
    const port = await closedPort();
    const dead = createKafkaAdmin({ brokers: [`127.0.0.1:${port}`] });
    const started = Date.now();
    await assert.rejects(dead.listTopics(), (e: unknown) => {
      assert.ok(e instanceof KafkaClientError);
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, new RegExp(`No Kafka broker answered at 127\\.0\\.0\\.1:${port} — is the stack running\\?`));
      return true;
    });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await assert.rejects(dead.describeCluster(), (e: KafkaClientError) => e.kind === 'unreachable');
    await dead.close();
    await assert.rejects(dead.listTopics(), (e: KafkaClientError) => e.kind === 'invalid-request' && /closed/.test(e.message));
  });

  it('explains the advertised-listener trap: bootstrap answers, the advertised address does not', async () => {
    const deadPort = await closedPort();
    const proxy = await advertisingProxy(bootstrap, deadPort);
    const trapped = createKafkaAdmin({ brokers: [`127.0.0.1:${proxy.port}`] });
    try {
      // Whatever needs a connection to the advertised broker fails with the explanation; metadata alone may pass.
      const isTrap = (e: unknown) => e instanceof KafkaClientError && e.kind === 'advertised-listener';
      const cluster = await trapped.describeCluster().catch((e: unknown) => {
        assert.ok(isTrap(e), String(e));
        return undefined;
      });
      if (cluster)
        assert.deepEqual(
          cluster.brokers.map((b) => `${b.host}:${b.port}`),
          [`127.0.0.1:${deadPort}`],
          'the proxy advertises a dead address',
        );
      await assert.rejects(trapped.describeTopic(topicA), (e: unknown) => {
        assert.ok(e instanceof KafkaClientError);
        assert.equal(e.kind, 'advertised-listener');
        assert.ok(e.message.includes(`127.0.0.1:${deadPort}`), e.message);
        assert.ok(e.message.includes(`127.0.0.1:${proxy.port}`), e.message);
        assert.match(e.message, /KAFKA_ADVERTISED_LISTENERS/);
        return true;
      });
    } finally {
      await trapped.close();
      await proxy.close();
    }
  });

  it('reports the broker down, then recovers by itself when it is back (same client)', async function () {
    this.timeout(90_000);
    assert.ok((await client.listTopics()).length > 0);
    const [node, script] = control;
    await exec(node, [script, 'stop-broker']);
    try {
      const started = Date.now();
      await assert.rejects(client.listTopics(), (e: KafkaClientError) => e.kind === 'unreachable' || e.kind === 'timeout');
      assert.ok(Date.now() - started < 15_000, `offline reported after ${Date.now() - started} ms`);
      await assert.rejects(client.describeTopic(topicA), (e: KafkaClientError) => ['unreachable', 'timeout'].includes(e.kind));
    } finally {
      await exec(node, [script, 'start-broker']);
    }
    const topics = await client.listTopics();
    assert.ok(topics.some((t) => t.name === topicA));
    assert.equal((await client.describeTopic(topicA)).messageCount, 40n);
    assert.deepEqual(
      (await client.peekLatest(topicA, 2)).map((m) => m.value),
      producedA.slice(-2).map((m) => m.value),
    );
  });

  it("routes the library's log lines to the given logger, never to the console", async () => {
    const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    const printed: unknown[] = [];
    for (const name of Object.keys(original) as (keyof typeof original)[])
      console[name] = (...args: unknown[]) => {
        printed.push(args);
      };
    const entries: KafkaLogEntry[] = [];
    try {
      const port = await closedPort();
      const quiet = createKafkaAdmin({ brokers: [`127.0.0.1:${port}`] });
      await quiet.listTopics().catch(() => {});
      await quiet.close();
      const logged = createKafkaAdmin({ brokers: [`127.0.0.1:${port}`] }, { logger: (e) => entries.push(e), logLevel: 'debug' });
      await logged.listTopics().catch(() => {});
      await logged.close();
    } finally {
      Object.assign(console, original);
    }
    assert.deepEqual(printed, []);
    assert.ok(
      entries.some((e) => e.level === 'error' && /ECONNREFUSED|Connection/.test(e.message + JSON.stringify(e.extra))),
      JSON.stringify(entries.slice(0, 3)),
    );
    for (const e of entries) assert.ok(['error', 'warn', 'info', 'debug'].includes(e.level) && typeof e.namespace === 'string');
  });

  it('keeps one client per cluster in the registry, created on demand, closed on dispose', async () => {
    const made: string[] = [];
    const registry = new KafkaClientRegistry((connection) => {
      made.push(connection.brokers.join(','));
      return createKafkaAdmin(connection);
    });
    const a = registry.get({ brokers: [bootstrap, '127.0.0.1:1'] });
    const b = registry.get({ brokers: [' 127.0.0.1:1', bootstrap] });
    assert.equal(a, b);
    assert.equal(made.length, 1);
    assert.equal(clusterKey(['B:1', 'a:2', 'b:1']), 'a:2,b:1');
    const other = registry.get({ brokers: [bootstrap] });
    assert.notEqual(other, a);
    assert.ok((await other.listTopics()).some((t) => t.name === topicA));
    await registry.close([bootstrap]);
    assert.notEqual(registry.get({ brokers: [bootstrap] }), other, 'a closed cluster gets a new client');
    await registry.dispose();
    await assert.rejects(other.listTopics(), (e: KafkaClientError) => /closed/.test(e.message));
    assert.throws(() => registry.get({ brokers: [bootstrap] }), /disposed/);
    const made2 = createKafkaClientRegistry();
    assert.ok((await made2.get({ brokers: [bootstrap] }).describeCluster()).brokers.length === 1);
    await made2.dispose();
  });
});

describe('Kafka client: kafkajs errors → KafkaClientError kinds', () => {
  const brokers = ['localhost:19092'];

  it('tells the advertised-listener trap from an unreachable bootstrap by the failing address', () => {
    const trap = toKafkaClientError(
      new KafkaJSNumberOfRetriesExceeded(
        new KafkaJSConnectionError('Connection error: getaddrinfo ENOTFOUND kafka', { broker: 'kafka:9092', code: 'ENOTFOUND' }),
        { retryCount: 2, retryTime: 100 },
      ),
      { brokers, operation: 'list topics' },
    );
    assert.equal(trap.kind, 'advertised-listener');
    assert.match(trap.message, /^Could not list topics: Kafka answered at localhost:19092, but it tells clients to connect to kafka:9092/);
    assert.match(trap.message, /KAFKA_ADVERTISED_LISTENERS/);
    assert.match(trap.message, /ENOTFOUND/);
    const down = toKafkaClientError(
      new KafkaJSNumberOfRetriesExceeded(
        new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092', { broker: '127.0.0.1:19092', code: 'ECONNREFUSED' }),
        { retryCount: 2, retryTime: 100 },
      ),
      { brokers },
    );
    assert.equal(down.kind, 'unreachable', 'localhost and 127.0.0.1 are the same bootstrap');
    assert.match(down.message, /No Kafka broker answered at localhost:19092 — is the stack running\?/);
    const unresolved = toKafkaClientError(
      new KafkaJSConnectionError('Connection error: getaddrinfo ENOTFOUND kafka', { broker: 'kafka:9092', code: 'ENOTFOUND' }),
      { brokers: ['kafka:9092'] },
    );
    assert.equal(unresolved.kind, 'unreachable');
    assert.match(unresolved.message, /only resolves inside the Docker network/);
  });

  it('maps protocol errors and timeouts', () => {
    const protocol = (type: string) => Object.assign(new KafkaJSProtocolError('broker said no'), { type });
    assert.equal(toKafkaClientError(protocol('UNKNOWN_TOPIC_OR_PARTITION'), { brokers, topic: 't' }).kind, 'topic-not-found');
    // What kafkajs' retrier throws for a non-retriable error: the original as cause.
    const NonRetriable = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error;
    assert.equal(
      toKafkaClientError(new NonRetriable(protocol('TOPIC_ALREADY_EXISTS'), { cause: protocol('TOPIC_ALREADY_EXISTS') }), { brokers }).kind,
      'topic-exists',
    );
    assert.equal(toKafkaClientError(protocol('INVALID_REPLICATION_FACTOR'), { brokers }).kind, 'invalid-request');
    assert.equal(toKafkaClientError(protocol('LEADER_NOT_AVAILABLE'), { brokers }).kind, 'timeout');
    assert.equal(toKafkaClientError(protocol('SOMETHING_NEW'), { brokers }).kind, 'unknown');
    const timeout = toKafkaClientError(
      new KafkaJSRequestTimeoutError('Request Metadata(key: 3, version: 6) timed out', { broker: 'localhost:19092' } as KafkaJSRequestTimeoutErrorMetadata),
      { brokers, requestTimeoutMs: 10_000 },
    );
    assert.equal(timeout.kind, 'timeout');
    assert.match(timeout.message, /did not answer in time \(10000 ms\)/);
    const already = new KafkaClientError('topic-exists', 'x');
    assert.equal(toKafkaClientError(already, { brokers }), already);
    assert.equal(toKafkaClientError('weird', { brokers }).kind, 'unknown');
  });

  it('recognises a KafkaClientError from another bundle (its own copy of the class)', () => {
    class OtherCopy extends Error {
      readonly kind = 'unreachable';
      constructor(message: string) {
        super(message);
        this.name = 'KafkaClientError';
      }
    }
    assert.ok(isKafkaClientError(new KafkaClientError('timeout', 'x')));
    assert.ok(isKafkaClientError(new OtherCopy('x')));
    assert.equal(isKafkaClientError(new Error('x')), false);
    assert.equal(isKafkaClientError({ name: 'KafkaClientError', kind: 'timeout' }), false);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP proxy to the broker that rewrites the broker's advertised port in its responses (Metadata, FindCoordinator)
 * to a dead one: exactly what a compose broker advertising kafka:9092 looks like from the host.
 */
async function advertisingProxy(target: string, advertisedPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const [host, portText] = target.split(':');
  const realPort = Number(portText);
  const needle = Buffer.concat([Buffer.from(host), int32(realPort)]);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(realPort, host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = Buffer.from(pending.subarray(0, 4 + pending.readInt32BE(0)));
        pending = pending.subarray(frame.length);
        for (let at = frame.indexOf(needle); at >= 0; at = frame.indexOf(needle, at + needle.length)) {
          int32(advertisedPort).copy(frame, at + host.length);
        }
        client.write(frame);
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
