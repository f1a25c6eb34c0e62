// The generator's Kafka side, run inside the worker (worker.ts): events from src/core/eventSource, rate control,
// idempotent producers, and the exact source truth.
//
// Exactness. Every partition has one lane, and a lane has at most one produce request in flight. Its producer is
// idempotent (producer id + per-partition sequence numbers, acks=all), so a request kafkajs retries after a broker
// crash is written once: the broker drops a batch whose sequence it already has. A lane only ever sends to its own
// partition, so a request never half-succeeds across partitions, and kafkajs' sequence bookkeeping for the partition
// is touched by one request at a time. The truth is counted when a request is acknowledged, once per event.
// If a request fails for good (retries spent: the broker stayed away too long) the lane keeps the batch, the run
// pauses and reports the error; its events are "in doubt", not in the truth. resume() sends that same batch first,
// through the same producer with the same sequence numbers, so the broker writes it at most once and the ack settles
// the doubt. Stopping while paused leaves them in doubt, and the final status says how many.
import { serializeKafkaError, toKafkaClientError } from '../../clients/kafka/errors';
import { createGeneratorKafka, type GeneratorKafka, type OutMessage, type PartitionProducer } from '../../clients/kafka/producer';
import type { KafkaClientError, KafkaLogEntry } from '../../clients/kafka/types';
import { defaultRunId, emptySnackCounts, EventGenerator, steppedClock, type SnackCounts } from '../../core/eventSource';
import { partitionForKey } from '../../core/partitioner';
import { SNACK_NAMES, SNACK_TOPIC, SNACK_TOPIC_PARTITIONS, type SnackName } from '../../core/snacks';
import {
  DEFAULT_STATUS_INTERVAL_MS,
  type FinalStatus,
  type GeneratorStartOptions,
  type GeneratorState,
  type GeneratorStatus,
} from '../../services/generator/protocol';

interface Batch {
  messages: OutMessage[];
  items: Uint8Array;
  /** Failed for good once: counted in inDoubt until acknowledged. */
  inDoubt: boolean;
}

interface Lane {
  partition: number;
  producer: PartitionProducer;
  /** The offset ranges [from, to) this run's acknowledged batches hold in the partition, merged where contiguous. */
  ranges: [number, number][];
  queue: OutMessage[];
  items: number[];
  /** A batch that failed for good, sent again first on resume. */
  retained: Batch | null;
  sending: Promise<void> | null;
}

const SNACK_INDEX = new Map<SnackName, number>(SNACK_NAMES.map((name, i) => [name, i]));
const RECORD_OVERHEAD_BYTES = 24;
/** Events generated per step when running flat out, before yielding to the event loop. */
const MAX_RATE_CHUNK = 2000;

export interface EngineHooks {
  /** Called on every state change and every status interval while running. */
  status(status: GeneratorStatus): void;
  log(entry: KafkaLogEntry): void;
}

export class GeneratorEngine {
  private readonly brokers: string[];
  private readonly topic: string;
  private readonly kafka: GeneratorKafka;
  private readonly retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
  private readonly generator: EventGenerator;
  private readonly maxBatchEvents: number;
  private readonly maxBatchBytes: number;
  private readonly requestTimeoutMs: number;
  private maxEvents: number;
  private state: GeneratorState = 'idle';
  private rate: number;
  private lanes: Lane[] = [];
  private producers: PartitionProducer[] = [];
  private partitionCount = 0;
  private readonly partitionOfKey = new Map<string, number>();
  private tokens = 0;
  private lastRefill = 0;
  private generated = 0;
  private produced = 0;
  private acked = 0;
  private inFlight = 0;
  private inDoubt = 0;
  private queued = 0;
  private readonly truth: SnackCounts = emptySnackCounts();
  private lastError: KafkaClientError | undefined;
  private startedAt: number | undefined;
  private samples: { t: number; acked: number }[] = [];
  private statusTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private starting: Promise<GeneratorStatus> | undefined;
  private pumpAgain = false;
  private progressWaiters: (() => void)[] = [];

  constructor(
    private readonly options: GeneratorStartOptions,
    private readonly hooks: EngineHooks,
    logLevel: KafkaLogEntry['level'] = 'warn',
  ) {
    validate(options);
    this.brokers = [...options.brokers];
    this.topic = options.topic ?? SNACK_TOPIC;
    this.rate = options.eventsPerSecond;
    this.maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    const tuning = options.tuning ?? {};
    this.maxBatchEvents = tuning.maxBatchEvents ?? 4000;
    this.maxBatchBytes = tuning.maxBatchBytes ?? 900_000;
    this.requestTimeoutMs = tuning.requestTimeoutMs ?? 30_000;
    const runId = options.runId ?? defaultRunId(options.seed, Date.now());
    const clock = options.fixedClock ? steppedClock(options.fixedClock.startMs, options.fixedClock.msPerPurchase) : Date.now;
    this.generator = new EventGenerator({ seed: options.seed, runId, clock });
    const connection = { brokers: this.brokers, clientId: options.clientId ?? 'archlab-generator', requestTimeoutMs: this.requestTimeoutMs };
    // The same long retries at every level ride out a broker restart of about a minute and a half.
    this.retry = { retries: 30, initialRetryTime: 300, maxRetryTime: 3000, ...tuning.retry };
    this.kafka = createGeneratorKafka({
      connection,
      retry: this.retry,
      compression: options.compression ?? 'none',
      client: options.kafkaClient,
      requestTimeoutMs: this.requestTimeoutMs,
      logger: (entry) => hooks.log(entry),
      logLevel,
    });
  }

  /** Connects, makes sure the topic exists, and starts producing. Rejects (state 'failed') when it cannot. */
  start(): Promise<GeneratorStatus> {
    if (this.state !== 'idle') return Promise.reject(new Error(`generator already ${this.state}`));
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<GeneratorStatus> {
    this.setState('starting');
    try {
      this.partitionCount = await this.kafka.ensureTopic(this.topic, this.options.partitions ?? SNACK_TOPIC_PARTITIONS);
      this.producers = await this.kafka.connectProducers(Math.max(1, Math.min(this.partitionCount, this.options.tuning?.producers ?? 8)));
    } catch (error) {
      this.lastError = toKafkaClientError(error, { brokers: this.brokers, operation: 'start the generator', topic: this.topic });
      await this.kafka.disconnect();
      this.setState('failed');
      throw this.lastError;
    }
    this.lanes = Array.from({ length: this.partitionCount }, (_, partition) => ({
      partition,
      producer: this.producers[partition % this.producers.length],
      ranges: [],
      queue: [],
      items: [],
      retained: null,
      sending: null,
    }));
    this.startedAt = Date.now();
    this.samples = [{ t: this.startedAt, acked: 0 }];
    this.statusTimer = setInterval(() => this.tick(), DEFAULT_STATUS_INTERVAL_MS);
    this.setState('running');
    this.startPump();
    return this.status();
  }

  setRate(eventsPerSecond: number): void {
    if (!Number.isFinite(eventsPerSecond) || eventsPerSecond < 0) throw new RangeError(`rate must be 0 (maximum) or more events/s, got ${eventsPerSecond}`);
    this.rate = eventsPerSecond;
    this.tokens = Math.min(this.tokens, this.burst());
    this.notifyProgress();
    this.emitStatus();
  }

  /** Generates nothing more for now (what is generated is still sent); returns how many events were generated. */
  hold(): number {
    this.maxEvents = this.generated;
    return this.generated;
  }

  /**
   * Generates up to `events` in all, as fast as the broker takes them, then reaches 'done'. Several generators with
   * one seed stopped at one count have sent the same events (stopping "Both" stacks at the same event).
   */
  finishAt(events: number): void {
    this.maxEvents = Math.max(events, this.generated);
    this.rate = 0;
    this.notifyProgress();
    if (this.state === 'done' && this.maxEvents > this.generated) {
      this.setState('running');
      this.startPump();
    }
    this.emitStatus();
  }

  /** Leaves 'paused': the batches in doubt go first, then generation continues. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.lastError = undefined;
    this.setState('running');
    for (const lane of this.lanes) this.kick(lane);
    this.startPump();
  }

  /**
   * Stops generating, sends what is already generated (up to flushTimeoutMs), closes the producers and returns the
   * final status. While paused nothing more is sent: the batches in doubt stay in doubt.
   */
  async stop(flushTimeoutMs = 30_000): Promise<FinalStatus> {
    if (this.state === 'starting') await this.starting?.catch(() => undefined);
    const wasPaused = this.state === 'paused';
    if (this.state === 'stopped' || this.state === 'failed' || this.state === 'idle') return this.finalStatus();
    this.setState('stopping');
    this.notifyProgress();
    await this.pumping;
    if (!wasPaused) for (const lane of this.lanes) this.kick(lane);
    let timer: NodeJS.Timeout | undefined;
    const idle = Promise.all(this.lanes.map((lane) => this.laneIdle(lane)));
    await Promise.race([
      idle,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, flushTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    clearInterval(this.statusTimer);
    // Anything still in flight now is in doubt (its request may or may not have been written).
    for (const lane of this.lanes) lane.queue = [];
    this.queued = 0;
    if (this.inFlight > 0) {
      this.inDoubt += this.inFlight;
      this.inFlight = 0;
    }
    this.lanes.forEach((lane) => {
      lane.sending = null;
    });
    await this.kafka.disconnect();
    this.setState('stopped');
    return this.finalStatus();
  }

  status(): GeneratorStatus {
    return {
      state: this.state,
      brokers: this.brokers,
      topic: this.topic,
      partitions: this.partitionCount,
      seed: this.options.seed,
      runId: this.generator.runId,
      targetRate: this.rate,
      measuredRate: this.measuredRate(),
      produced: this.produced,
      acked: this.acked,
      inFlight: this.inFlight,
      inDoubt: this.inDoubt,
      truth: { ...this.truth },
      ranges: Object.fromEntries(this.lanes.map((lane) => [lane.partition, lane.ranges.map((r): [number, number] => [r[0], r[1]])])),
      lastError: this.lastError ? serializeKafkaError(this.lastError) : undefined,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
    };
  }

  // --- internals ---

  private finalStatus(): FinalStatus {
    const status = this.status();
    const durationMs = this.startedAt ? Date.now() - this.startedAt : 0;
    return { ...status, measuredRate: 0, durationMs, averageRate: durationMs > 0 ? (this.acked * 1000) / durationMs : 0 };
  }

  private setState(state: GeneratorState): void {
    if (this.state === state) return;
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.hooks.status(this.status());
  }

  private tick(): void {
    const now = Date.now();
    this.samples.push({ t: now, acked: this.acked });
    while (this.samples.length > 2 && now - this.samples[1].t >= 1000) this.samples.shift();
    this.emitStatus();
  }

  private measuredRate(): number {
    if (this.state !== 'running' && this.state !== 'paused' && this.state !== 'stopping' && this.state !== 'done') return 0;
    const first = this.samples[0];
    const now = Date.now();
    if (!first || now - first.t < 100) return 0;
    return ((this.acked - first.acked) * 1000) / (now - first.t);
  }

  /** Token bucket depth: one second of events, so the rate holds over a stall of the worker's event loop up to 1 s. */
  private burst(): number {
    return Math.max(1, this.rate);
  }

  private partitionOf(key: string): number {
    let partition = this.partitionOfKey.get(key);
    if (partition === undefined) {
      partition = partitionForKey(key, this.partitionCount);
      this.partitionOfKey.set(key, partition);
    }
    return partition;
  }

  private startPump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.lastRefill = performanceNow();
    this.tokens = 0;
    this.pumping = this.pump()
      .catch((error) => this.pause(toKafkaClientError(error, { brokers: this.brokers, operation: 'generate events', topic: this.topic })))
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain && this.state === 'running') {
          this.pumpAgain = false;
          this.startPump();
        }
        this.pumpAgain = false;
      });
  }

  /** Most events generated but not yet sent: two batches per lane, within 64K events (memory) but at least two batches. */
  private highWater(): number {
    return Math.max(this.maxBatchEvents * 2, Math.min(this.maxBatchEvents * 2 * Math.max(1, this.lanes.length), 65_536));
  }

  /** Generates events at the target rate while running; the lanes send them. */
  private async pump(): Promise<void> {
    while (this.state === 'running') {
      const left = this.maxEvents - this.generated;
      if (left <= 0) {
        await Promise.all(this.lanes.map((lane) => this.laneIdle(lane)));
        // finishAt() may have raised the limit while the last batches were acknowledged: generate on.
        if (this.maxEvents > this.generated) continue;
        if (this.state === 'running' && this.inDoubt === 0 && this.lanes.every((l) => !l.retained)) this.setState('done');
        return;
      }
      const room = this.highWater() - this.queued;
      if (room <= 0) {
        await this.progress();
        continue;
      }
      let count: number;
      if (this.rate === 0) {
        count = Math.min(room, left, MAX_RATE_CHUNK);
      } else {
        const now = performanceNow();
        this.tokens = Math.min(this.burst(), this.tokens + ((now - this.lastRefill) * this.rate) / 1000);
        this.lastRefill = now;
        if (this.tokens < 1) {
          const waitMs = Math.min(1000, Math.max(1, ((1 - this.tokens) * 1000) / this.rate));
          await this.sleepOrProgress(waitMs);
          continue;
        }
        count = Math.min(Math.floor(this.tokens), room, left);
        this.tokens -= count;
      }
      this.generate(count);
      if (this.rate === 0) await yieldToEventLoop();
    }
  }

  private generate(count: number): void {
    const touched = new Set<Lane>();
    for (let i = 0; i < count; i++) {
      const event = this.generator.nextSerialized();
      const partition = this.partitionOf(event.key);
      const lane = this.lanes[partition];
      lane.queue.push({ key: event.key, value: event.json, partition });
      lane.items.push(SNACK_INDEX.get(event.item)!);
      touched.add(lane);
    }
    this.generated += count;
    this.queued += count;
    for (const lane of touched) this.kick(lane);
  }

  private kick(lane: Lane): void {
    if (lane.sending) return;
    if (!lane.retained && lane.queue.length === 0) return;
    lane.sending = this.sendLoop(lane).finally(() => {
      lane.sending = null;
      this.notifyProgress();
    });
  }

  private canSend(): boolean {
    return this.state === 'running' || this.state === 'stopping' || this.state === 'done';
  }

  private takeBatch(lane: Lane): Batch | null {
    if (lane.retained) {
      const batch = lane.retained;
      lane.retained = null;
      return batch;
    }
    if (lane.queue.length === 0) return null;
    let count = 0;
    let bytes = 0;
    const limit = Math.min(this.maxBatchEvents, lane.queue.length);
    while (count < limit) {
      const m = lane.queue[count];
      const size = m.value.length + m.key.length + RECORD_OVERHEAD_BYTES;
      if (count > 0 && bytes + size > this.maxBatchBytes) break;
      bytes += size;
      count++;
    }
    const messages = lane.queue.splice(0, count);
    const items = Uint8Array.from(lane.items.splice(0, count));
    this.queued -= count;
    this.produced += count;
    return { messages, items, inDoubt: false };
  }

  private async sendLoop(lane: Lane): Promise<void> {
    while (this.canSend()) {
      const batch = this.takeBatch(lane);
      if (!batch) return;
      const n = batch.messages.length;
      this.inFlight += n;
      let failure: unknown;
      let ok = false;
      try {
        const { baseOffset } = await lane.producer.send(this.topic, batch.messages);
        if (baseOffset >= 0n) addRange(lane.ranges, Number(baseOffset), Number(baseOffset) + n);
        ok = true;
      } catch (error) {
        failure = error;
      }
      // stop() gave up waiting for this request and already counted it in doubt.
      if (this.state === 'stopped') return;
      this.inFlight -= n;
      if (ok) {
        if (batch.inDoubt) this.inDoubt -= n;
        for (let i = 0; i < n; i++) this.truth[SNACK_NAMES[batch.items[i]]]++;
        this.acked += n;
        this.notifyProgress();
        continue;
      }
      if (!batch.inDoubt) {
        batch.inDoubt = true;
        this.inDoubt += n;
      }
      lane.retained = batch;
      if (this.state !== 'stopping') this.pause(toKafkaClientError(failure, { brokers: this.brokers, operation: 'produce events', topic: this.topic }));
      return;
    }
  }

  private pause(error: KafkaClientError): void {
    this.lastError = error;
    if (this.state === 'running' || this.state === 'done') this.setState('paused');
    else this.emitStatus();
    this.notifyProgress();
  }

  private laneIdle(lane: Lane): Promise<void> {
    return (async () => {
      while (lane.sending) await lane.sending;
    })();
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  private sleepOrProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.progressWaiters.push(done);
    });
  }

  private notifyProgress(): void {
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** Adds [from, to) to ordered ranges, merging it with the last one when they touch. */
function addRange(ranges: [number, number][], from: number, to: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[1] === from) last[1] = to;
  else ranges.push([from, to]);
}

function validate(options: GeneratorStartOptions): void {
  if (!options.brokers?.length) throw new RangeError('no Kafka bootstrap servers given');
  if (!Number.isFinite(options.eventsPerSecond) || options.eventsPerSecond < 0)
    throw new RangeError(`rate must be 0 (maximum) or more events/s, got ${options.eventsPerSecond}`);
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a number, got ${options.seed}`);
  if (options.partitions !== undefined && (!Number.isInteger(options.partitions) || options.partitions < 1))
    throw new RangeError(`partitions must be a whole number of at least 1, got ${options.partitions}`);
  if (options.maxEvents !== undefined && (!Number.isInteger(options.maxEvents) || options.maxEvents < 0))
    throw new RangeError(`maxEvents must be a whole number, got ${options.maxEvents}`);
}

function performanceNow(): number {
  return performance.now();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
