// The generator's producers on @platformatic/kafka, a second pure-JavaScript client behind the same GeneratorKafka
// interface as kafkajs, so the bench can measure both side by side (issue 13: the generator's speed). Idempotent,
// acks=all, one request in flight per producer, each batch sent to its lane's partition.
import { Admin, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { toKafkaClientError } from './errors';
import type { GeneratorKafka, GeneratorKafkaOptions, PartitionProducer } from './producer';

export class PlatformaticGeneratorKafka implements GeneratorKafka {
  private producers: Producer<string, string, string, string>[] = [];

  constructor(private readonly options: GeneratorKafkaOptions) {}

  /** Retries back off exponentially up to maxRetryTime, as kafkajs' do, so that a broker restart is ridden out. */
  private base(retry: { retries: number; initialRetryTime: number; maxRetryTime: number }) {
    const { connection } = this.options;
    return {
      clientId: connection.clientId ?? 'archlab-generator',
      bootstrapBrokers: connection.brokers,
      connectTimeout: 3000,
      retries: retry.retries,
      retryDelay: (_client: unknown, _operation: string, attempt: number) =>
        Math.min(retry.maxRetryTime, retry.initialRetryTime * 2 ** Math.max(0, attempt - 1)),
    };
  }

  async ensureTopic(topic: string, partitions: number): Promise<number> {
    const admin = new Admin(this.base({ retries: 2, initialRetryTime: 200, maxRetryTime: 1000 }));
    try {
      const existing = await admin.metadata({ topics: [topic] }).catch(() => undefined);
      if (!existing?.topics.get(topic)) await admin.createTopics({ topics: [topic], partitions, replicas: -1 });
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      if (count < 1) throw new Error(`topic ${topic} has no partitions`);
      return count;
    } catch (error) {
      throw toKafkaClientError(error, { brokers: this.options.connection.brokers, operation: `create the topic ${topic}` });
    } finally {
      await admin.close().catch(() => {});
    }
  }

  async connectProducers(count: number): Promise<PartitionProducer[]> {
    const { retry, requestTimeoutMs } = this.options;
    this.producers = Array.from(
      { length: count },
      () =>
        new Producer({
          ...this.base(retry),
          timeout: requestTimeoutMs,
          idempotent: true,
          acks: ProduceAcks.ALL,
          autocreateTopics: false,
          compression: this.options.compression === 'gzip' ? 'gzip' : 'none',
          serializers: stringSerializers,
        }),
    );
    try {
      // Connections are lazy: a metadata request fails now, not at the first send, when the broker is away.
      await Promise.all(this.producers.map((p) => p.metadata({ topics: [] })));
    } catch (error) {
      await this.disconnect();
      throw toKafkaClientError(error, { brokers: this.options.connection.brokers, operation: 'connect the producers' });
    }
    return this.producers.map((producer) => ({
      send: async (topic, messages) => {
        const result = await producer.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value, partition: m.partition })) });
        const partition = messages[0]?.partition;
        const offset = result.offsets?.find((o) => o.topic === topic && o.partition === partition)?.offset;
        return { baseOffset: offset === undefined ? -1n : BigInt(offset) };
      },
    }));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.close().catch(() => {})));
    this.producers = [];
  }
}
