// KafkaAdminClient over kafkajs. Connections are opened on first use and reopened after a connection failure; every
// failure leaves as a KafkaClientError (see errors.ts). Nothing of kafkajs leaks out of this folder.
import { randomUUID } from 'node:crypto';
import { Partitioners, type Admin, type Consumer, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { isConnectionKind, toKafkaClientError } from './errors';
import { createInternalCluster, createKafka, DEFAULT_REQUEST_TIMEOUT_MS, type InternalCluster, type KafkaFactoryOptions } from './kafkajsSupport';
import {
  KafkaClientError,
  type ClusterInfo,
  type ConsumerGroupLag,
  type ConsumerGroupSummary,
  type KafkaAdminClient,
  type KafkaConnection,
  type NewTopic,
  type PartitionInfo,
  type PartitionLag,
  type PeekedMessage,
  type TopicDetails,
  type TopicSummary,
} from './types';

export interface KafkajsAdminOptions extends KafkaFactoryOptions {
  /** How long peekLatest waits for the messages it asked for (ms, default 15000). */
  peekTimeoutMs?: number;
}

interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

/**
 * Internal topics: what Kafka marks internal (__consumer_offsets, __transaction_state, __share_group_state) and, by
 * the common convention, every topic whose name starts with "_" (_schemas, _confluent-*, ...).
 */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('_');
}

export class KafkajsAdminClient implements KafkaAdminClient {
  private readonly kafka: Kafka;
  private readonly brokers: string[];
  private readonly requestTimeoutMs: number;
  private readonly peekTimeoutMs: number;
  /** Bumped on every reset, so concurrent failures reset the connections once. */
  private generation = 0;
  private admin: Promise<Admin> | undefined;
  private cluster: Promise<InternalCluster | null> | undefined;
  private producer: Promise<Producer> | undefined;
  private readonly peeks = new Set<Consumer>();
  private closed = false;

  constructor(connection: KafkaConnection, options: KafkajsAdminOptions = {}) {
    this.brokers = [...connection.brokers];
    this.requestTimeoutMs = connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.peekTimeoutMs = options.peekTimeoutMs ?? 15_000;
    this.kafka = createKafka(connection, options);
  }

  describeCluster(): Promise<ClusterInfo> {
    return this.run('describe the cluster', {}, async () => {
      const { brokers, controller, clusterId } = await (await this.connectedAdmin()).describeCluster();
      return {
        clusterId,
        controllerId: controller ?? null,
        brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })).sort((a, b) => a.nodeId - b.nodeId),
      };
    });
  }

  listTopics(options: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
    return this.run('list topics', {}, async () => {
      const { topics } = await (await this.connectedAdmin()).fetchTopicMetadata();
      return topics
        .map((t) => ({ name: t.name, internal: isInternalTopic(t.name), partitionCount: t.partitions.length }))
        .filter((t) => options.includeInternal || !t.internal)
        .sort((a, b) => compareNames(a.name, b.name));
    });
  }

  describeTopic(name: string): Promise<TopicDetails> {
    return this.run('describe the topic', { topic: name }, async () => {
      const admin = await this.connectedAdmin();
      const [{ topics }, offsets] = await Promise.all([admin.fetchTopicMetadata({ topics: [name] }), this.topicOffsets([name])]);
      const metadata = topics.find((t) => t.name === name);
      if (!metadata) throw new KafkaClientError('topic-not-found', `Topic "${name}" does not exist (any more).`);
      const byPartition = new Map((offsets.get(name) ?? []).map((p) => [p.partition, p]));
      const partitions: PartitionInfo[] = metadata.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
          startOffset: byPartition.get(p.partitionId)?.low ?? 0n,
          endOffset: byPartition.get(p.partitionId)?.high ?? 0n,
        }))
        .sort((a, b) => a.partition - b.partition);
      const messageCount = partitions.reduce((sum, p) => sum + (p.endOffset - p.startOffset), 0n);
      return { name, internal: isInternalTopic(name), partitions, messageCount };
    });
  }

  endOffsets(topics: string[]): Promise<Map<string, bigint>> {
    return this.run('read end offsets', {}, async () => {
      const result = new Map<string, bigint>();
      for (const [topic, partitions] of await this.topicOffsets(topics, { skipMissing: true })) {
        result.set(
          topic,
          partitions.reduce((sum, p) => sum + p.high, 0n),
        );
      }
      return result;
    });
  }

  listConsumerGroups(): Promise<ConsumerGroupSummary[]> {
    return this.run('list consumer groups', {}, async () => {
      const admin = await this.connectedAdmin();
      const { groups } = await admin.listGroups();
      if (groups.length === 0) return [];
      const described = new Map((await admin.describeGroups(groups.map((g) => g.groupId))).groups.map((g) => [g.groupId, g]));
      return groups
        .map((g) => {
          const d = described.get(g.groupId);
          return {
            groupId: g.groupId,
            state: d?.state || 'Unknown',
            protocolType: d?.protocolType || g.protocolType || '',
            memberCount: d?.members.length ?? 0,
          };
        })
        .sort((a, b) => compareNames(a.groupId, b.groupId));
    });
  }

  consumerGroupLag(groupId: string): Promise<ConsumerGroupLag> {
    return this.run('read the consumer group lag', {}, async () => {
      const admin = await this.connectedAdmin();
      const [{ groups }, committed] = await Promise.all([admin.describeGroups([groupId]), admin.fetchOffsets({ groupId })]);
      const state = groups.find((g) => g.groupId === groupId)?.state || 'Unknown';
      const topics = committed.map((t) => t.topic);
      const offsets = await this.topicOffsets(topics, { skipMissing: true });
      const partitions: PartitionLag[] = [];
      for (const { topic, partitions: committedPartitions } of committed) {
        const byPartition = new Map(committedPartitions.map((p) => [p.partition, p.offset]));
        for (const { partition, low, high } of offsets.get(topic) ?? []) {
          const raw = byPartition.get(partition);
          const committedOffset = raw !== undefined && Number(raw) >= 0 ? BigInt(raw) : null;
          const base = committedOffset ?? low;
          partitions.push({ topic, partition, committedOffset, endOffset: high, lag: high > base ? high - base : 0n });
        }
      }
      partitions.sort((a, b) => compareNames(a.topic, b.topic) || a.partition - b.partition);
      return { groupId, state, partitions, totalLag: partitions.reduce((sum, p) => sum + p.lag, 0n) };
    });
  }

  peekLatest(topic: string, count: number): Promise<PeekedMessage[]> {
    return this.run('peek at the topic', { topic }, async () => {
      if (!Number.isInteger(count) || count < 1)
        throw new KafkaClientError('invalid-request', `Cannot peek ${count} messages: give a whole number of at least 1.`);
      const offsets = (await this.topicOffsets([topic])).get(topic) ?? [];
      const wanted = BigInt(count);
      const ranges = new Map(
        offsets.filter((p) => p.high > p.low).map((p) => [p.partition, { from: p.high - wanted > p.low ? p.high - wanted : p.low, to: p.high }]),
      );
      if (ranges.size === 0) return [];
      const messages = await this.readRanges(topic, ranges);
      messages.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.partition - b.partition || Number(a.offset - b.offset));
      return messages.slice(-count);
    });
  }

  readMessages(topic: string, ranges: Map<number, { from: bigint; to: bigint }>): Promise<PeekedMessage[]> {
    return this.run('read messages', { topic }, async () => {
      const out: PeekedMessage[] = [];
      let missing = new Map([...ranges].filter(([, r]) => r.to > r.from));
      // readRanges stops at its time limit: read what is still missing again, as long as it makes progress.
      while (missing.size > 0) {
        const messages = await this.readRanges(topic, missing);
        if (messages.length === 0) throw new KafkaClientError('timeout', `Could not read ${topic}: no message arrived; the broker may be busy. Try again.`);
        out.push(...messages);
        const next = new Map<number, { from: bigint; to: bigint }>();
        for (const [partition, range] of missing) {
          const got = messages.filter((m) => m.partition === partition).map((m) => m.offset);
          const reached = got.length > 0 ? got.reduce((a, b) => (a > b ? a : b)) + 1n : range.from;
          if (reached < range.to) next.set(partition, { from: reached, to: range.to });
        }
        missing = next;
      }
      return out.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
    });
  }

  produce(topic: string, message: { key?: string; value: string; headers?: Record<string, string> }): Promise<{ partition: number; offset: bigint }> {
    return this.run('produce the message', { topic }, async () => {
      const send = async () =>
        (await this.connectedProducer()).send({
          topic,
          acks: -1,
          messages: [{ key: message.key ?? null, value: message.value, headers: message.headers }],
        });
      let records;
      try {
        records = await send();
      } catch (error) {
        // The producer's metadata still lists topics deleted since; a fresh producer forgets them.
        if (toKafkaClientError(error, { brokers: this.brokers }).kind !== 'topic-not-found') throw error;
        await this.dropProducer();
        records = await send();
      }
      const record = records[0];
      return { partition: record.partition, offset: BigInt(record.baseOffset ?? '-1') };
    });
  }

  createTopic(topic: NewTopic): Promise<void> {
    return this.run('create the topic', { topic: topic.name }, async () => {
      const created = await (
        await this.connectedAdmin()
      ).createTopics({
        waitForLeaders: true,
        timeout: this.requestTimeoutMs,
        topics: [
          {
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicationFactor ?? -1,
            configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      if (!created) throw new KafkaClientError('topic-exists', `Could not create the topic: "${topic.name}" already exists.`);
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.run('delete the topic', { topic: name }, async () => {
      await (await this.connectedAdmin()).deleteTopics({ topics: [name], timeout: this.requestTimeoutMs });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reset();
  }

  // --- internals ---

  /** Runs an operation; maps its failure; reconnects next time after a connection failure. */
  private async run<T>(operation: string, context: { topic?: string }, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new KafkaClientError('invalid-request', `Could not ${operation}: the Kafka client was closed.`);
    const generation = this.generation;
    try {
      return await fn();
    } catch (error) {
      const mapped = toKafkaClientError(error, { brokers: this.brokers, operation, topic: context.topic, requestTimeoutMs: this.requestTimeoutMs });
      if (isConnectionKind(mapped.kind) && generation === this.generation) await this.reset();
      throw mapped;
    }
  }

  private async reset(): Promise<void> {
    this.generation++;
    const [admin, cluster, producer] = [this.admin, this.cluster, this.producer];
    this.admin = this.cluster = this.producer = undefined;
    const consumers = [...this.peeks];
    this.peeks.clear();
    await Promise.all([
      admin?.then((a) => a.disconnect()).catch(() => {}),
      cluster?.then((c) => c?.disconnect()).catch(() => {}),
      producer?.then((p) => p.disconnect()).catch(() => {}),
      ...consumers.map((c) => c.disconnect().catch(() => {})),
    ]);
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      this.admin = connecting;
      // A failed connect is reported by the call that awaited it; forget it so the next call connects again.
      connecting.catch(() => {
        if (this.admin === connecting) this.admin = undefined;
      });
    }
    return this.admin;
  }

  private connectedCluster(): Promise<InternalCluster | null> {
    if (!this.cluster) {
      const cluster = createInternalCluster(this.kafka);
      const connecting = cluster ? cluster.connect().then(() => cluster) : Promise.resolve(null);
      this.cluster = connecting;
      connecting.catch(() => {
        if (this.cluster === connecting) this.cluster = undefined;
      });
    }
    return this.cluster;
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
    }
    return this.producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => {});
  }

  /**
   * Low and high offsets of every partition of many topics: one metadata refresh and two ListOffsets requests per
   * broker (kafkajs' internal cluster), or the public per-topic call when that internal is unavailable.
   * skipMissing: topics deleted meanwhile are left out instead of failing the whole call.
   */
  private async topicOffsets(topics: string[], { skipMissing = false } = {}): Promise<Map<string, PartitionOffsets[]>> {
    const unique = [...new Set(topics)];
    if (unique.length === 0) return new Map();
    try {
      return await this.topicOffsetsOnce(unique);
    } catch (error) {
      const kind = toKafkaClientError(error, { brokers: this.brokers }).kind;
      if (kind === 'topic-not-found' && skipMissing) {
        const existing = new Set(await (await this.connectedAdmin()).listTopics());
        const present = unique.filter((t) => existing.has(t));
        return present.length ? this.topicOffsetsOnce(present) : new Map();
      }
      if (kind !== 'timeout') throw error;
      // Leaders move when a broker (re)starts (NOT_LEADER, LEADER_NOT_AVAILABLE): retry with fresh metadata, briefly.
      for (const delayMs of [300, 700, 1500]) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        try {
          return await this.topicOffsetsOnce(unique);
        } catch (again) {
          if (toKafkaClientError(again, { brokers: this.brokers }).kind !== 'timeout') throw again;
        }
      }
      return this.topicOffsetsOnce(unique);
    }
  }

  private async topicOffsetsOnce(topics: string[]): Promise<Map<string, PartitionOffsets[]>> {
    const cluster = await this.connectedCluster();
    const result = new Map<string, PartitionOffsets[]>();
    if (!cluster) {
      const admin = await this.connectedAdmin();
      await forEachLimited(topics, 8, async (topic) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        result.set(
          topic,
          offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })),
        );
      });
      return result;
    }
    // Only these topics: a topic deleted since an earlier call would make every metadata refresh fail.
    cluster.targetTopics.clear();
    await cluster.addMultipleTargetTopics(topics);
    const request = (fromBeginning: boolean) =>
      cluster.fetchTopicsOffset(
        topics.map((topic) => ({
          topic,
          fromBeginning,
          partitions: cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId })),
        })),
      );
    const [high, low] = await Promise.all([request(false), request(true)]);
    const lows = new Map(low.flatMap((t) => t.partitions.map((p) => [`${t.topic}\u0000${p.partition}`, BigInt(p.offset)] as const)));
    for (const { topic, partitions } of high) {
      result.set(
        topic,
        partitions
          .map((p) => ({ partition: p.partition, high: BigInt(p.offset), low: lows.get(`${topic}\u0000${p.partition}`) ?? 0n }))
          .sort((a, b) => a.partition - b.partition),
      );
    }
    for (const topic of topics) if (!result.has(topic)) result.set(topic, []);
    return result;
  }

  /** Reads [from, to) of each partition with a throwaway consumer group, deleted afterwards. */
  private async readRanges(topic: string, ranges: Map<number, { from: bigint; to: bigint }>): Promise<PeekedMessage[]> {
    const groupId = `archlab-peek-${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      retry: { retries: 2 },
    });
    this.peeks.add(consumer);
    const received = new Map<string, PeekedMessage>();
    /** Next offset wanted per partition still being read. */
    const next = new Map([...ranges].map(([partition, { from }]) => [partition, from]));
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    let crashed: unknown;
    // Seek on every join (kafkajs joins again after it restarts a crashed consumer), from where reading got to.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of next) {
        try {
          consumer.seek({ topic, partition, offset: offset.toString() });
        } catch {
          /* not running any more */
        }
      }
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart) return; // kafkajs retries by itself
      crashed = event.payload.error;
      finish();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = ranges.get(batch.partition);
          if (!range || !next.has(batch.partition)) return;
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset >= range.from && offset < range.to) received.set(`${batch.partition}:${offset}`, toPeeked(topic, batch.partition, offset, m));
          }
          // Control records (transaction markers) can sit at the end: the batch's last offset covers them.
          const last = BigInt(batch.lastOffset());
          if (last >= range.to - 1n) {
            next.delete(batch.partition);
            if (next.size === 0) finish();
          } else if (last + 1n > next.get(batch.partition)!) {
            next.set(batch.partition, last + 1n);
          }
        },
      });
      timer = setTimeout(finish, this.peekTimeoutMs);
      await finished;
      if (crashed) throw crashed;
      if (next.size > 0 && received.size === 0) {
        throw new KafkaClientError(
          'timeout',
          `Could not peek at "${topic}": no message arrived within ${this.peekTimeoutMs} ms; the broker may be busy. Try again.`,
        );
      }
      return [...received.values()];
    } finally {
      clearTimeout(timer);
      this.peeks.delete(consumer);
      await consumer.disconnect().catch(() => {});
      await this.connectedAdmin()
        .then((a) => a.deleteGroups([groupId]))
        .catch(() => {});
    }
  }
}

function toPeeked(
  topic: string,
  partition: number,
  offset: bigint,
  m: { key: Buffer | null; value: Buffer | null; timestamp: string; headers?: IHeaders },
): PeekedMessage {
  const value = m.value ? m.value.toString('utf8') : null;
  const peeked: PeekedMessage = {
    topic,
    partition,
    offset,
    timestamp: new Date(Number(m.timestamp)),
    key: m.key ? m.key.toString('utf8') : null,
    value,
    headers: {},
  };
  if (value !== null && /^\s*[[{"\d\-tfn]/.test(value)) {
    try {
      peeked.json = JSON.parse(value);
    } catch {
      /* not JSON: value stays as text */
    }
  }
  for (const [name, header] of Object.entries(m.headers ?? {})) {
    if (header === undefined) continue;
    peeked.headers[name] = (Array.isArray(header) ? header : [header]).map((h) => h.toString()).join(', ');
  }
  return peeked;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
