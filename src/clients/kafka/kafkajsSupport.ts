// kafkajs plumbing shared by the admin client and the generator worker: client construction, log routing, and the
// one internal the public API lacks (bulk ListOffsets over many topics).
import { Kafka, logLevel as KafkaLogLevel, type logCreator as LogCreator } from 'kafkajs';
import type { KafkaClientOptions, KafkaConnection, KafkaLogEntry, KafkaLogger } from './types';

const LEVEL_NAMES: Record<number, KafkaLogEntry['level']> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};
const LEVEL_VALUES: Record<KafkaLogEntry['level'], KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/** kafkajs logCreator that forwards to our logger (never to the console). */
export function logCreatorFor(logger: KafkaLogger): LogCreator {
  return () =>
    ({ namespace, level, log }) => {
      const extra: Record<string, unknown> = { ...log };
      for (const own of ['message', 'timestamp', 'logger']) delete extra[own];
      try {
        logger({ level: LEVEL_NAMES[level] ?? 'info', namespace, message: String(log.message), extra });
      } catch {
        // A failing logger must not break the client.
      }
    };
}

export interface KafkaFactoryOptions extends KafkaClientOptions {
  /** Connection (TCP + API versions) timeout in ms; default 3000. */
  connectionTimeoutMs?: number;
  /** Retries of each request (kafkajs `retry`); default a few quick ones, so a dead broker is reported in seconds. */
  retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number };
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A kafkajs client for a connection; silent unless a logger is given. */
export function createKafka(connection: KafkaConnection, options: KafkaFactoryOptions = {}): Kafka {
  if (!connection.brokers.length) throw new Error('no Kafka bootstrap servers given');
  return new Kafka({
    clientId: connection.clientId ?? 'archlab',
    brokers: connection.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000, ...options.retry },
    logLevel: options.logger ? LEVEL_VALUES[options.logLevel ?? 'warn'] : KafkaLogLevel.NOTHING,
    logCreator: options.logger ? logCreatorFor(options.logger) : () => () => {},
  });
}

/**
 * kafkajs' Cluster: what its admin uses inside. Only used for bulk offsets (one ListOffsets request per broker for
 * any number of topics, where the public admin.fetchTopicOffsets costs a metadata refresh per topic). kafkajs 2.2.4
 * is the last release; if the internal is ever missing, callers fall back to the public API.
 */
export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  targetTopics: Set<string>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

export function createInternalCluster(kafka: Kafka): InternalCluster | undefined {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof create !== 'function') return undefined;
  const cluster = (create as (options: object) => unknown)({ allowAutoTopicCreation: false }) as Partial<InternalCluster>;
  const needed: (keyof InternalCluster)[] = ['connect', 'disconnect', 'addMultipleTargetTopics', 'findTopicPartitionMetadata', 'fetchTopicsOffset'];
  if (!needed.every((name) => typeof cluster[name] === 'function') || !(cluster.targetTopics instanceof Set)) return undefined;
  return cluster as InternalCluster;
}
