// What the generator's host side (generatorController.ts) and its worker (worker.ts) say to each other, and the
// status the extension shows. Plain data only (structured clone); no kafkajs, no vscode.
import type { SerializedKafkaError } from '../../clients/kafka/errors';
import type { KafkaLogEntry } from '../../clients/kafka/types';
import { emptySnackCounts, type SnackCounts } from '../../core/eventSource';

export type GeneratorCompression = 'none' | 'gzip';

export interface GeneratorStartOptions {
  /** Bootstrap servers, host:port. */
  brokers: string[];
  /** Default snack_automat_message. */
  topic?: string;
  /** Target rate in events per second; 0 = as fast as the broker takes them. */
  eventsPerSecond: number;
  seed: number;
  /** Partitions of the topic when the generator creates it (default 3). An existing topic keeps its own. */
  partitions?: number;
  /** Goes into every event id (default: from the seed and the start time, see defaultRunId). */
  runId?: string;
  clientId?: string;
  /** Default 'none' (measured faster than gzip on a local broker; see bench/). */
  compression?: GeneratorCompression;
  /** The producing client library (default kafkajs; the bench measures @platformatic/kafka beside it). */
  kafkaClient?: 'kafkajs' | 'platformatic';
  /** Stop producing after this many events (the run then reaches state 'done'); default unlimited. */
  maxEvents?: number;
  /** Reproducible event times: purchase n happens at startMs + n * msPerPurchase. Default: the wall clock. */
  fixedClock?: { startMs: number; msPerPurchase: number };
  tuning?: GeneratorTuning;
}

export interface GeneratorTuning {
  /** Most events in one produce request of one partition (default 4000). */
  maxBatchEvents?: number;
  /** Most bytes (keys + values) in one produce request of one partition (default 900 000: under the broker's 1 MB message.max.bytes). */
  maxBatchBytes?: number;
  /**
   * Retries of a produce request before the generator pauses (kafkajs retry). The default rides out a broker
   * restart of about a minute and a half: 30 retries, 300 ms doubling up to 3 s.
   */
  retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number };
  /** Per-request timeout in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Idempotent producers; partitions are shared among them (default: one per partition, at most 8). */
  producers?: number;
}

export type GeneratorState =
  | 'idle'
  /** Connecting, ensuring the topic. */
  | 'starting'
  | 'running'
  /** A produce request failed for good: nothing is generated until resume(); see lastError and inDoubt. */
  | 'paused'
  /** maxEvents reached and all of them acknowledged. */
  | 'done'
  | 'stopping'
  | 'stopped'
  /** Could not start, or the worker died. */
  | 'failed';

export interface GeneratorStatus {
  state: GeneratorState;
  brokers: string[];
  topic: string;
  partitions: number;
  seed: number;
  runId: string;
  /** Target events/s, 0 = maximum. */
  targetRate: number;
  /** Acknowledged events per second over the last second or so. */
  measuredRate: number;
  /** Events handed to Kafka (acknowledged, in flight, or in doubt). */
  produced: number;
  /** Events Kafka acknowledged (acks=all) = the sum of truth. */
  acked: number;
  inFlight: number;
  /**
   * Events whose produce request failed for good: maybe written, maybe not. Not in truth. resume() sends them again
   * through the same idempotent producer (the broker drops them if they were written), which resolves them.
   */
  inDoubt: number;
  /** The source truth: per-snack counts of acknowledged events, each counted once. */
  truth: SnackCounts;
  /**
   * Where those events are: per partition, the offset ranges [from, to) of this run's acknowledged batches (merged
   * where contiguous). What lies between them was written by someone else (the truth service reads it).
   */
  ranges: Record<number, [number, number][]>;
  lastError?: SerializedKafkaError;
  /** ms since the epoch. */
  startedAt?: number;
  updatedAt: number;
}

export interface FinalStatus extends GeneratorStatus {
  durationMs: number;
  /** acked / duration. */
  averageRate: number;
}

export type HostToWorker =
  | { type: 'start'; options: GeneratorStartOptions; logLevel?: KafkaLogEntry['level'] }
  | { type: 'setRate'; eventsPerSecond: number }
  | { type: 'resume' }
  /** Generate nothing new for now; answer with how many events were generated. */
  | { type: 'hold' }
  /** Generate up to `events` in all (as fast as the broker takes them), then reach 'done'. */
  | { type: 'finishAt'; events: number }
  | { type: 'stop'; flushTimeoutMs: number };

export type WorkerToHost =
  | { type: 'status'; status: GeneratorStatus }
  | { type: 'started'; status: GeneratorStatus }
  | { type: 'startFailed'; error: SerializedKafkaError; status: GeneratorStatus }
  | { type: 'stopped'; status: FinalStatus }
  | { type: 'held'; generated: number }
  | { type: 'log'; entry: KafkaLogEntry };

export const DEFAULT_STATUS_INTERVAL_MS = 250;

/** The status before a run (or of one that could not start): nothing produced. */
export function idleStatus(topic: string): GeneratorStatus {
  return {
    state: 'idle',
    brokers: [],
    topic,
    partitions: 0,
    seed: 0,
    runId: '',
    targetRate: 0,
    measuredRate: 0,
    produced: 0,
    acked: 0,
    inFlight: 0,
    inDoubt: 0,
    truth: emptySnackCounts(),
    ranges: {},
    updatedAt: Date.now(),
  };
}
