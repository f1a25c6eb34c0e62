// The generator's Kafka side behind our own types: topic set-up, and idempotent producers that send a batch to one
// partition at a time (acks=all). kafkajs is the generator's client; @platformatic/kafka sits behind the same
// interface (./platformaticProducer) so that `npm run bench` measures both.
import { CompressionTypes, type ICustomPartitioner, type Kafka, type Producer } from 'kafkajs';
import { toKafkaClientError } from './errors';
import { createKafka } from './kafkajsSupport';
import type { KafkaConnection, KafkaLogEntry, KafkaLogger } from './types';

export interface OutMessage {
  key: string;
  value: string;
  partition: number;
}

export interface ProduceRetry {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
}

export interface PartitionProducer {
  /** Sends messages (all of one partition) with acks=all; resolves with the offset of the first one once acknowledged. */
  send(topic: string, messages: OutMessage[]): Promise<{ baseOffset: bigint }>;
}

export interface GeneratorKafka {
  /** Creates the topic when missing (with `partitions`); resolves with the partitions it has. */
  ensureTopic(topic: string, partitions: number): Promise<number>;
  /** Idempotent producers, each allowing one request in flight. */
  connectProducers(count: number): Promise<PartitionProducer[]>;
  disconnect(): Promise<void>;
}

export interface GeneratorKafkaOptions {
  connection: KafkaConnection;
  retry: ProduceRetry;
  compression: 'none' | 'gzip';
  requestTimeoutMs: number;
  logger?: KafkaLogger;
  logLevel?: KafkaLogEntry['level'];
  /** Which client library produces (default kafkajs). */
  client?: GeneratorKafkaClient;
}

export type GeneratorKafkaClient = 'kafkajs' | 'platformatic';

/** Every message carries its partition (the lane's): no per-message work in kafkajs' partitioner. */
const explicitPartitioner: ICustomPartitioner =
  () =>
  ({ message }) =>
    message.partition ?? 0;

export function createGeneratorKafka(options: GeneratorKafkaOptions): GeneratorKafka {
  if (options.client !== 'platformatic') return new KafkajsGeneratorKafka(options);
  // Loaded only when asked for (the bench, the tests): @platformatic/kafka is ESM and stays outside the bundles.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const { PlatformaticGeneratorKafka } = require('./platformaticProducer') as typeof import('./platformaticProducer');
  return new PlatformaticGeneratorKafka(options);
}

class KafkajsGeneratorKafka implements GeneratorKafka {
  /** Producers: the same long retries at every level (kafkajs retries a send, and inside it reconnects and refreshes
   * metadata with the client-wide retry), so a broker restart is ridden out instead of failing the send. */
  private readonly kafka: Kafka;
  /** Set-up (topic): short retries, so a start against a dead broker fails in seconds. */
  private readonly setupKafka: Kafka;
  private producers: Producer[] = [];
  private readonly compression: CompressionTypes;

  constructor(private readonly options: GeneratorKafkaOptions) {
    const { connection, logger, logLevel } = options;
    this.kafka = createKafka(connection, { connectionTimeoutMs: 3000, retry: options.retry, logger, logLevel });
    this.setupKafka = createKafka(connection, {
      connectionTimeoutMs: 3000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
      logger,
      logLevel,
    });
    this.compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  async ensureTopic(topic: string, partitions: number): Promise<number> {
    const admin = this.setupKafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
      if (count < 1) throw new Error(`topic ${topic} has no partitions`);
      return count;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  async connectProducers(count: number): Promise<PartitionProducer[]> {
    this.producers = Array.from({ length: count }, () =>
      this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: this.options.retry,
        createPartitioner: explicitPartitioner,
      }),
    );
    try {
      await Promise.all(this.producers.map((p) => p.connect()));
    } catch (error) {
      await this.disconnect();
      throw toKafkaClientError(error, { brokers: this.options.connection.brokers, operation: 'connect the producers' });
    }
    return this.producers.map((producer) => ({
      send: async (topic, messages) => {
        const [result] = await producer.send({
          topic,
          acks: -1,
          timeout: this.options.requestTimeoutMs,
          compression: this.compression,
          messages: withLinearGrouping(messages),
        });
        return { baseOffset: BigInt(result?.baseOffset ?? '-1') };
      },
    }));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.disconnect().catch(() => {})));
    this.producers = [];
  }
}

/**
 * kafkajs 2.2.4 (its last release) groups a request's messages per partition with `messages.reduce` building a new
 * array for every message: O(n²) copies and most of the garbage of a 4000-message batch. Our batches give that one
 * call the same result in O(n): own `reduce` that, when called the way the grouping calls it (a fresh empty object as
 * the initial value), returns { [partition]: messages } in order. Any other reduce gets Array.prototype.reduce.
 * test/unit/generator.test.ts checks the result against kafkajs' own groupMessagesPerPartition.
 */
export function withLinearGrouping<T extends { partition: number }>(messages: T[]): T[] {
  Object.defineProperty(messages, 'reduce', { value: groupingReduce, enumerable: false, configurable: true, writable: true });
  return messages;
}

function groupingReduce(this: { partition: number }[], ...args: Parameters<typeof Array.prototype.reduce>): unknown {
  const init = args[1] as unknown;
  if (
    args.length === 2 &&
    init !== null &&
    typeof init === 'object' &&
    Object.getPrototypeOf(init) === Object.prototype &&
    Object.keys(init).length === 0 &&
    this.every((m) => Number.isInteger(m.partition))
  ) {
    const groups = init as Record<number, { partition: number }[]>;
    for (const message of this) (groups[message.partition] ??= []).push(message);
    return groups;
  }
  return (Array.prototype.reduce as (...a: unknown[]) => unknown).apply(this, args);
}
