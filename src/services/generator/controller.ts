// Host side of the data generator (no vscode, no kafkajs): runs src/workers/generator/worker.ts in a worker thread (or a
// child process), so producing never blocks the extension host's event loop, and relays its status.
import { deserializeKafkaError } from '../../clients/kafka/errors';
import { KafkaClientError, type KafkaLogEntry, type KafkaLogger } from '../../clients/kafka/types';
import { SNACK_TOPIC } from '../../core/snacks';
import {
  DEFAULT_STATUS_INTERVAL_MS,
  type FinalStatus,
  type GeneratorStartOptions,
  idleStatus,
  type GeneratorStatus,
  type HostToWorker,
  type WorkerToHost,
} from './protocol';
import { spawnWorker, type GeneratorIsolation, type WorkerHandle } from './workerHandle';

export type { GeneratorIsolation } from './workerHandle';
export type { FinalStatus, GeneratorStartOptions, GeneratorState, GeneratorStatus, GeneratorTuning, GeneratorCompression } from './protocol';

export interface GeneratorControllerOptions {
  /** The worker script: dist/generatorWorker.js in the extension, out/src/workers/generator/worker.js in tests. */
  workerPath: string;
  /**
   * 'thread' (default): a worker_threads Worker. 'process': a child process in a session of its own, which on Linux
   * keeps a generator producing flat out from taking the extension host's CPU share when the CPUs are saturated.
   */
  isolation?: GeneratorIsolation;
  /** Receives the Kafka library's log lines from the worker (default: dropped). */
  logger?: KafkaLogger;
  /** Lowest level forwarded to the logger (default 'warn'). */
  logLevel?: KafkaLogEntry['level'];
  /** How long stop() lets in-flight events be acknowledged (default 30 s). */
  flushTimeoutMs?: number;
  /** Least time between two onStatus calls (default 250 ms). */
  statusIntervalMs?: number;
}

export interface Disposable {
  dispose(): void;
}

const ACTIVE = new Set(['starting', 'running', 'paused', 'done', 'stopping']);

export class GeneratorController {
  private worker: WorkerHandle | undefined;
  private current: GeneratorStatus = idleStatus(SNACK_TOPIC);
  private readonly listeners = new Set<(status: GeneratorStatus) => void>();
  private lastEmit = 0;
  private emitTimer: NodeJS.Timeout | undefined;
  private pendingStart: { resolve: (s: GeneratorStatus) => void; reject: (e: Error) => void } | undefined;
  private pendingStop: Promise<FinalStatus> | undefined;
  private resolveStop: ((s: FinalStatus) => void) | undefined;
  private stopGuard: NodeJS.Timeout | undefined;
  private readonly heldWaiters: ((generated: number) => void)[] = [];
  private readonly flushTimeoutMs: number;
  private readonly statusIntervalMs: number;

  constructor(private readonly options: GeneratorControllerOptions) {
    this.flushTimeoutMs = options.flushTimeoutMs ?? 30_000;
    this.statusIntervalMs = options.statusIntervalMs ?? DEFAULT_STATUS_INTERVAL_MS;
  }

  /** True from start() until the run is stopped or failed. */
  get active(): boolean {
    return this.worker !== undefined && ACTIVE.has(this.current.state);
  }

  /**
   * Starts a run: the worker connects, makes sure the topic exists (3 partitions by default) and produces.
   * Resolves once it produces; rejects with a KafkaClientError (e.g. 'unreachable') when it cannot start.
   */
  start(options: GeneratorStartOptions): Promise<GeneratorStatus> {
    if (this.worker) return Promise.reject(new Error(`The data generator is already ${this.current.state}: stop it first.`));
    const invalid = validateStart(options);
    if (invalid) return Promise.reject(new KafkaClientError('invalid-request', `Cannot start the data generator: ${invalid}`));
    const worker = spawnWorker(this.options.workerPath, this.options.isolation ?? 'thread', {
      message: (message) => {
        if (this.worker === worker) this.onMessage(message);
      },
      gone: (reason) => {
        if (this.worker === worker) this.onWorkerGone(reason);
      },
    });
    this.worker = worker;
    this.current = {
      ...idleStatus(SNACK_TOPIC),
      state: 'starting',
      brokers: options.brokers,
      topic: options.topic ?? SNACK_TOPIC,
      seed: options.seed,
      targetRate: options.eventsPerSecond,
    };
    this.emit(true);
    const started = new Promise<GeneratorStatus>((resolve, reject) => {
      this.pendingStart = { resolve, reject };
    });
    this.post({ type: 'start', options, logLevel: this.options.logLevel });
    return started;
  }

  /** Changes the target rate of the running generator (0 = maximum); takes effect at once. */
  setRate(eventsPerSecond: number): void {
    if (!Number.isFinite(eventsPerSecond) || eventsPerSecond < 0) throw new RangeError(`rate must be 0 (maximum) or more events/s, got ${eventsPerSecond}`);
    if (!this.worker) return;
    this.current = { ...this.current, targetRate: eventsPerSecond };
    this.post({ type: 'setRate', eventsPerSecond });
  }

  /** After a pause (a produce request failed for good): sends the events in doubt again, then goes on. */
  resume(): void {
    if (this.worker && this.current.state === 'paused') this.post({ type: 'resume' });
  }

  /** Generates nothing new for now (what is generated is still sent); resolves with how many events were generated. */
  hold(): Promise<number> {
    if (!this.worker || !ACTIVE.has(this.current.state)) return Promise.resolve(this.current.produced);
    const held = new Promise<number>((resolve) => this.heldWaiters.push(resolve));
    this.post({ type: 'hold' });
    return held;
  }

  /**
   * Generates up to `events` in all, as fast as the broker takes them, and resolves once the run is done (or
   * paused, failed, or timeoutMs passed): then stop() sends nothing more.
   */
  finishAt(events: number, timeoutMs = 60_000): Promise<void> {
    if (!this.worker || !['running', 'done'].includes(this.current.state)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finished = (status: GeneratorStatus) => status.state !== 'running' && status.state !== 'starting';
      const timer = setTimeout(() => end(), timeoutMs);
      const subscription = this.onStatus((status) => {
        if (finished(status) && status.produced >= events) end();
      });
      const end = () => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      this.post({ type: 'finishAt', events });
      if (finished(this.current) && this.current.produced >= events) end();
    });
  }

  /** Stops the run; resolves with the final status (truth, counts, events in doubt). */
  stop(): Promise<FinalStatus> {
    if (this.pendingStop) return this.pendingStop;
    if (!this.worker) return Promise.resolve(finalOf(this.current));
    this.pendingStop = new Promise<FinalStatus>((resolve) => {
      this.resolveStop = resolve;
    });
    this.stopGuard = setTimeout(() => this.onWorkerGone('the generator did not stop in time'), this.flushTimeoutMs + 15_000);
    this.post({ type: 'stop', flushTimeoutMs: this.flushTimeoutMs });
    return this.pendingStop;
  }

  /** The latest status (idle before the first run). */
  status(): GeneratorStatus {
    return this.current;
  }

  /** Status updates, at most one per 250 ms (the last one always arrives). */
  onStatus(listener: (status: GeneratorStatus) => void): Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
      },
    };
  }

  async dispose(): Promise<void> {
    if (this.worker) await this.stop();
    this.listeners.clear();
    clearTimeout(this.emitTimer);
  }

  // --- internals ---

  private post(message: HostToWorker): void {
    this.worker?.post(message);
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'status':
        this.current = message.status;
        this.emit(false);
        return;
      case 'started':
        this.current = message.status;
        this.emit(true);
        this.pendingStart?.resolve(message.status);
        this.pendingStart = undefined;
        return;
      case 'startFailed':
        this.current = { ...message.status, state: 'failed', lastError: message.error };
        this.emit(true);
        this.pendingStart?.reject(deserializeKafkaError(message.error));
        this.pendingStart = undefined;
        this.finishStop(finalOf(this.current));
        void this.terminate();
        return;
      case 'stopped':
        this.current = message.status;
        this.emit(true);
        this.finishStop(message.status);
        void this.terminate();
        return;
      case 'held':
        this.heldWaiters.shift()?.(message.generated);
        return;
      case 'log':
        try {
          this.options.logger?.(message.entry);
        } catch {
          // a failing logger must not break the generator
        }
        return;
    }
  }

  /** The worker died or hung: what was in flight is in doubt. */
  private onWorkerGone(reason: string): void {
    if (!this.worker) return;
    const error = { kind: 'unknown' as const, message: reason };
    const wasStopping = this.current.state === 'stopping' || this.pendingStop !== undefined;
    this.current = {
      ...this.current,
      state: wasStopping ? 'stopped' : 'failed',
      inDoubt: this.current.inDoubt + this.current.inFlight,
      inFlight: 0,
      measuredRate: 0,
      lastError: wasStopping ? this.current.lastError : error,
      updatedAt: Date.now(),
    };
    this.emit(true);
    this.pendingStart?.reject(new KafkaClientError('unknown', reason));
    this.pendingStart = undefined;
    this.finishStop(finalOf(this.current));
    void this.terminate();
  }

  private finishStop(status: FinalStatus): void {
    clearTimeout(this.stopGuard);
    const resolve = this.resolveStop;
    this.resolveStop = undefined;
    this.pendingStop = undefined;
    resolve?.(status);
  }

  private async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate().catch(() => undefined);
  }

  /** Calls the listeners with the latest status, at most once per interval (a later call is scheduled). */
  private emit(_stateChanged: boolean): void {
    const wait = this.lastEmit + this.statusIntervalMs - Date.now();
    if (wait > 0) {
      this.emitTimer ??= setTimeout(() => {
        this.emitTimer = undefined;
        this.emit(true);
      }, wait);
      return;
    }
    clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
    this.lastEmit = Date.now();
    const status = this.current;
    for (const listener of [...this.listeners]) {
      try {
        listener(status);
      } catch {
        // one listener's failure must not starve the others
      }
    }
  }
}

function validateStart(options: GeneratorStartOptions): string | undefined {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0) return 'no Kafka bootstrap servers given.';
  if (typeof options.eventsPerSecond !== 'number' || !Number.isFinite(options.eventsPerSecond) || options.eventsPerSecond < 0) {
    return `the rate must be 0 (as fast as possible) or more events per second, not ${options.eventsPerSecond}.`;
  }
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) return `the seed must be a number, not ${options.seed}.`;
  return undefined;
}

function finalOf(status: GeneratorStatus): FinalStatus {
  const durationMs = status.startedAt ? status.updatedAt - status.startedAt : 0;
  return { ...status, measuredRate: 0, durationMs, averageRate: durationMs > 0 ? (status.acked * 1000) / durationMs : 0 };
}
