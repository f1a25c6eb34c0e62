// Archlab's own view of a Kafka cluster. Views and commands depend on these types only, never on kafkajs,
// so the library behind src/clients/kafka can be swapped.

export interface KafkaConnection {
  /** host:port list. */
  brokers: string[];
  clientId?: string;
  /** Per-request timeout in ms (connection and requests). */
  requestTimeoutMs?: number;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

export interface ClusterInfo {
  clusterId: string;
  controllerId: number | null;
  brokers: BrokerInfo[];
}

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitionCount: number;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  /** Earliest available offset. */
  startOffset: bigint;
  /** Next offset to be written (high watermark). */
  endOffset: bigint;
}

export interface TopicDetails {
  name: string;
  internal: boolean;
  partitions: PartitionInfo[];
  /** Messages currently retained: sum over partitions of end - start. */
  messageCount: bigint;
}

export interface ConsumerGroupSummary {
  groupId: string;
  /** e.g. Stable, Empty, PreparingRebalance, Dead, Unknown */
  state: string;
  protocolType: string;
  memberCount: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset, or null when the group has committed nothing for this partition. */
  committedOffset: bigint | null;
  endOffset: bigint;
  /** endOffset - committed (or - start offset when nothing is committed). */
  lag: bigint;
}

export interface ConsumerGroupLag {
  groupId: string;
  state: string;
  partitions: PartitionLag[];
  totalLag: bigint;
}

export interface PeekedMessage {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: Date;
  key: string | null;
  /** UTF-8 value; `json` holds it parsed when it is JSON. */
  value: string | null;
  json?: unknown;
  headers: Record<string, string>;
}

export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

/** The admin side of a cluster, as the Topics view and commands use it. Errors are KafkaClientError. */
export interface KafkaAdminClient {
  describeCluster(): Promise<ClusterInfo>;
  listTopics(options?: { includeInternal?: boolean }): Promise<TopicSummary[]>;
  describeTopic(name: string): Promise<TopicDetails>;
  /** End offsets of many topics at once (for message rates from offset deltas). */
  endOffsets(topics: string[]): Promise<Map<string, bigint>>;
  listConsumerGroups(): Promise<ConsumerGroupSummary[]>;
  consumerGroupLag(groupId: string): Promise<ConsumerGroupLag>;
  /** The latest `count` messages of a topic (spread over partitions, newest last). */
  peekLatest(topic: string, count: number): Promise<PeekedMessage[]>;
  /** Every message of the given offset ranges [from, to) per partition, in offset order (all of them, or an error). */
  readMessages(topic: string, ranges: Map<number, { from: bigint; to: bigint }>): Promise<PeekedMessage[]>;
  produce(topic: string, message: { key?: string; value: string; headers?: Record<string, string> }): Promise<{ partition: number; offset: bigint }>;
  createTopic(topic: NewTopic): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  close(): Promise<void>;
}

export type KafkaErrorKind =
  /** No broker answered at the bootstrap address. */
  | 'unreachable'
  /** Bootstrap answered but the advertised listeners point somewhere the client cannot reach. */
  | 'advertised-listener'
  | 'timeout'
  | 'topic-not-found'
  | 'topic-exists'
  | 'invalid-request'
  | 'unknown';

export class KafkaClientError extends Error {
  constructor(
    readonly kind: KafkaErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KafkaClientError';
  }
}

/** A log line of the Kafka library, routed to Archlab's log (never to the console). */
export interface KafkaLogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  /** The library's component, e.g. Connection, BrokerPool, Producer. */
  namespace: string;
  message: string;
  /** Structured details (broker, error, retry count, ...). */
  extra: Record<string, unknown>;
}

export type KafkaLogger = (entry: KafkaLogEntry) => void;

export interface KafkaClientOptions {
  /** Where the library's log lines go; default: nowhere. */
  logger?: KafkaLogger;
  /** Lowest level passed to the logger (default 'warn'). */
  logLevel?: KafkaLogEntry['level'];
}

/**
 * True for a KafkaClientError from any bundle: the Kafka client is bundled apart from the activation bundle
 * (dist/kafka.js), each with its own copy of the class, so `instanceof` fails across them; this checks name and kind.
 */
export function isKafkaClientError(error: unknown): error is KafkaClientError {
  return (
    error instanceof KafkaClientError || (error instanceof Error && error.name === 'KafkaClientError' && typeof (error as { kind?: unknown }).kind === 'string')
  );
}
