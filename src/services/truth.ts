// The source truth of each lab topic, durable and exact: what the generator had acknowledged, plus what reached the
// topic from elsewhere (Produce Message, another client), read back from the topic and judged by the contract's
// rule. Stored with the offsets it is the truth of (table truth), restored on first use after VS Code restarts,
// never overwritten with a fresh zero, reset only with the lab data.
//
// How it stays exact: every offset below `offsets` is accounted for. The generator reports, per partition, the
// offset ranges its acknowledged batches hold; whatever lies between them, or after them once it stops, is read from
// the topic and judged: an event whose event_id starts with a known generator run id is the generator's (an
// acknowledgement the worker could not report before the window closed, or a batch that was in doubt), anything
// else is "produced outside the generator". So a restore reads only the few messages after the last stored offsets.
import { judgeMessage } from '../core/events';
import type { Logger } from '../core/logger';
import { SNACK_TOPIC } from '../core/snacks';
import type { StackName } from '../core/stacks';
import type { ClusterRef, CassandraConnections, KafkaConnections } from './connections';
import type { GeneratorStatus } from './generator/protocol';
import { LabViewsReader, type StoredTruth } from './labViews';

export interface TruthSnapshot {
  /** What every view should count per snack: the generator's events and the valid ones from elsewhere. */
  expected: Record<string, number>;
  generated: Record<string, number>;
  outside: Record<string, number>;
  /** Invalid messages produced outside the generator (every job counts them as invalid). */
  outsideInvalid: number;
  /** Every message below these offsets is accounted for. */
  offsets: Record<number, number>;
  /** When it was last stored (ms since the epoch). */
  updatedAt?: number;
}

export interface TruthServiceOptions {
  kafka: KafkaConnections;
  cassandra: CassandraConnections;
  log: Logger;
  topic?: string;
  /** The keyspace of the truth table (the lab's by default). */
  keyspace?: string;
  /** Least time between two stores while the generator runs. */
  persistEveryMs?: number;
}

interface Run {
  id: string;
  /** Within this run: what was read from the gaps between its batches. */
  cursor: Record<number, number>;
  gapGenerated: Record<string, number>;
  gapOutside: Record<string, number>;
  gapInvalid: number;
  latest?: Pick<GeneratorStatus, 'truth' | 'ranges'>;
}

interface TopicTruth {
  cluster: ClusterRef;
  /** Accounted below base.offsets, the current run aside. */
  base: StoredTruth;
  stored: Record<number, number> | undefined;
  run?: Run;
  lastPersist: number;
  busy: Promise<unknown>;
  /** A tail read in flight: callers that ask meanwhile share it rather than queue another. */
  settling?: Promise<void>;
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
};
const empty = (): StoredTruth => ({ generated: {}, outside: {}, outsideInvalid: 0, offsets: {}, runs: [] });
const copy = (t: StoredTruth): StoredTruth => ({
  ...t,
  generated: { ...t.generated },
  outside: { ...t.outside },
  offsets: { ...t.offsets },
  runs: [...t.runs],
});

export class TruthService {
  private readonly topics = new Map<string, Promise<TopicTruth>>();
  private readonly topic: string;

  constructor(private readonly options: TruthServiceOptions) {
    this.topic = options.topic ?? SNACK_TOPIC;
  }

  /** The truth of a Kafka cluster's topic: restored (and the topic's tail read) on first use. */
  /** With `settle`, messages that reached the topic since (Produce Message, another client) are read and judged
   *  first while no generator run is open; a run's own gaps are read when it stores. A failed read keeps the last
   *  truth (logged), so a broker that is briefly away never breaks the comparison. */
  async truthOf(cluster: ClusterRef, options: { settle?: boolean } = {}): Promise<TruthSnapshot> {
    const state = await this.load(cluster);
    if (options.settle && !state.run) {
      state.settling ??= this.serialized(state, () => (state.run ? Promise.resolve() : this.settleTail(state)))
        .catch((error: unknown) => this.options.log.warn(`truth of ${cluster.label}: the topic's latest messages are not read yet (${String(error)})`))
        .finally(() => {
          state.settling = undefined;
        });
      await state.settling;
    }
    return this.snapshot(state);
  }

  /** A generator run starts: everything before it is accounted for first, and its run id is stored before it produces. */
  async beginRun(cluster: ClusterRef, runId: string): Promise<void> {
    const state = await this.load(cluster);
    await this.serialized(state, async () => {
      await this.settleTail(state);
      if (!state.base.runs.includes(runId)) state.base.runs.push(runId);
      state.run = { id: runId, cursor: { ...state.base.offsets }, gapGenerated: {}, gapOutside: {}, gapInvalid: 0 };
      await this.persist(state).catch((error: unknown) =>
        this.options.log.warn(`truth of ${cluster.label}: not stored yet (${String(error)}); it is kept and stored again shortly`),
      );
    });
  }

  /** The running generator's latest status; stored every few seconds. */
  progress(cluster: ClusterRef, status: Pick<GeneratorStatus, 'truth' | 'ranges' | 'runId'>): void {
    const loaded = this.topics.get(cluster.id);
    if (!loaded) return;
    void loaded.then((state) => {
      if (!state.run || state.run.id !== status.runId) return;
      state.run.latest = { truth: status.truth, ranges: status.ranges };
      if (Date.now() - state.lastPersist < (this.options.persistEveryMs ?? 2000)) return;
      state.lastPersist = Date.now();
      void this.serialized(state, () => this.persist(state)).catch((error: unknown) =>
        this.options.log.warn(`truth of ${cluster.label}: not stored: ${String(error)}`),
      );
    });
  }

  /** The run ended (its final status): its truth joins the base, and the tail after it is read (events in doubt). */
  async endRun(cluster: ClusterRef, final: Pick<GeneratorStatus, 'truth' | 'ranges' | 'runId'>): Promise<void> {
    const state = await this.load(cluster);
    await this.serialized(state, async () => {
      if (!state.run || state.run.id !== final.runId) return;
      state.run.latest = { truth: final.truth, ranges: final.ranges };
      await this.settleRun(state);
      state.base = this.folded(state);
      state.run = undefined;
      await this.settleTail(state, true);
    });
  }

  /** The lab data was deleted: the truth starts again from zero (what is stored went with the volumes). */
  reset(stack?: StackName): void {
    for (const [id, state] of this.topics) {
      void state.then((s) => {
        if (stack === undefined || s.cluster.stack === stack) this.topics.delete(id);
      });
    }
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  /** Where a cluster's truth is kept: its stack's Cassandra, or the configured one (none: kept in memory only). */
  private async readerFor(cluster: ClusterRef): Promise<LabViewsReader | undefined> {
    const { cassandra, keyspace } = this.options;
    if (cluster.stack) return new LabViewsReader(cassandra.client(cassandra.ofStack(cluster.stack)), keyspace);
    const [first] = await cassandra.clusters();
    return first ? new LabViewsReader(cassandra.client(first), keyspace) : undefined;
  }

  private load(cluster: ClusterRef): Promise<TopicTruth> {
    let loading = this.topics.get(cluster.id);
    if (!loading) {
      loading = this.restore(cluster);
      this.topics.set(cluster.id, loading);
      loading.catch(() => this.topics.delete(cluster.id));
    }
    return loading;
  }

  private async restore(cluster: ClusterRef): Promise<TopicTruth> {
    const reader = await this.readerFor(cluster);
    if (!reader) this.options.log.info(`truth of ${cluster.label}: no Cassandra configured, so it is kept in memory only (not across restarts)`);
    const stored = await reader?.readTruth(this.topic);
    const state: TopicTruth = { cluster, base: stored ? copy(stored) : empty(), stored: stored?.offsets, lastPersist: 0, busy: Promise.resolve() };
    if (stored) this.options.log.info(`truth of ${cluster.label}: restored at offsets ${JSON.stringify(stored.offsets)}`);
    await this.serialized(state, () => this.settleTail(state));
    return state;
  }

  /** Runs store operations of one topic one at a time. */
  private serialized<T>(state: TopicTruth, task: () => Promise<T>): Promise<T> {
    const next = state.busy.then(task, task);
    state.busy = next.catch(() => undefined);
    return next;
  }

  /** The topic's end offsets ({} while it does not exist: nothing to account for yet). */
  private async endOffsets(cluster: ClusterRef): Promise<Record<number, number>> {
    try {
      const details = await this.options.kafka.admin(cluster).describeTopic(this.topic);
      return Object.fromEntries(details.partitions.map((p) => [p.partition, Number(p.endOffset)]));
    } catch (error) {
      if ((error as { kind?: string }).kind === 'topic-not-found') return {};
      throw error;
    }
  }

  /** Reads and judges [from, to) of each partition into the given counts. */
  private async judge(
    state: TopicTruth,
    ranges: Map<number, { from: number; to: number }>,
    into: { generated: Record<string, number>; outside: Record<string, number>; invalid: number },
  ): Promise<void> {
    const wanted = new Map([...ranges].filter(([, r]) => r.to > r.from).map(([p, r]) => [p, { from: BigInt(r.from), to: BigInt(r.to) }]));
    if (wanted.size === 0) return;
    const messages = await this.options.kafka.admin(state.cluster).readMessages(this.topic, wanted);
    const prefixes = state.base.runs.map((run) => `${run}-`);
    let outsideCount = 0;
    for (const message of messages) {
      const verdict = judgeMessage(message.value);
      const eventId = verdict.counts !== null ? verdict.record.event_id : undefined;
      if (verdict.counts !== null && typeof eventId === 'string' && prefixes.some((p) => eventId.startsWith(p))) {
        into.generated[verdict.counts] = (into.generated[verdict.counts] ?? 0) + 1;
      } else {
        outsideCount++;
        if (verdict.counts === null) into.invalid++;
        else into.outside[verdict.counts] = (into.outside[verdict.counts] ?? 0) + 1;
      }
    }
    if (outsideCount > 0) this.options.log.info(`truth of ${state.cluster.label}: ${outsideCount} messages produced outside the generator`);
  }

  /** No run: reads whatever came after the accounted offsets, and stores the result when it moved. */
  private async settleTail(state: TopicTruth, store = false): Promise<void> {
    const ends = await this.endOffsets(state.cluster);
    const base = state.base;
    if (Object.entries(base.offsets).some(([p, n]) => (ends[Number(p)] ?? 0) < n)) {
      // The topic is younger than the truth (deleted and created again): nothing of the old truth holds.
      this.options.log.warn(`truth of ${state.cluster.label}: the topic holds fewer messages than the stored truth (it was recreated); starting from zero`);
      state.base = { ...empty(), runs: base.runs };
    }
    const ranges = new Map(Object.entries(ends).map(([p, end]) => [Number(p), { from: state.base.offsets[Number(p)] ?? 0, to: end }]));
    if (!store && [...ranges.values()].every((r) => r.to <= r.from) && state.stored !== undefined) return;
    const found = { generated: {}, outside: {}, invalid: 0 };
    await this.judge(state, ranges, found);
    add(state.base.generated, found.generated);
    add(state.base.outside, found.outside);
    state.base.outsideInvalid += found.invalid;
    state.base.offsets = { ...state.base.offsets, ...ends };
    await this.persist(state);
  }

  /** During a run: reads the gaps between its batches (messages from elsewhere) up to its last batch. */
  private async settleRun(state: TopicTruth): Promise<void> {
    const run = state.run;
    if (!run?.latest) return;
    const gaps = new Map<number, { from: number; to: number }>();
    const cursor = { ...run.cursor };
    for (const [p, ranges] of Object.entries(run.latest.ranges)) {
      const partition = Number(p);
      let at = cursor[partition] ?? 0;
      for (const [from, to] of ranges) {
        if (to <= at) continue;
        // One read per partition and settle: the gaps of a partition are read together (first to last).
        if (from > at) {
          const gap = gaps.get(partition);
          gaps.set(partition, gap ? { from: gap.from, to: from } : { from: at, to: from });
        }
        at = to;
      }
      cursor[partition] = at;
    }
    if (gaps.size > 0) {
      // Read each partition's whole span and keep only what is outside the run's ranges.
      const wanted = new Map([...gaps].map(([p, g]) => [p, { from: BigInt(g.from), to: BigInt(g.to) }]));
      const messages = await this.options.kafka.admin(state.cluster).readMessages(this.topic, wanted);
      const inRun = (p: number, offset: number) => (run.latest?.ranges[p] ?? []).some(([from, to]) => offset >= from && offset < to);
      for (const message of messages) {
        if (inRun(message.partition, Number(message.offset))) continue;
        const verdict = judgeMessage(message.value);
        if (verdict.counts === null) run.gapInvalid++;
        else run.gapOutside[verdict.counts] = (run.gapOutside[verdict.counts] ?? 0) + 1;
      }
    }
    run.cursor = cursor;
  }

  /** The base with the run's contribution up to its cursor. */
  private folded(state: TopicTruth): StoredTruth {
    const run = state.run;
    const truth = copy(state.base);
    if (!run) return truth;
    add(truth.generated, run.latest?.truth ?? {});
    add(truth.generated, run.gapGenerated);
    add(truth.outside, run.gapOutside);
    truth.outsideInvalid += run.gapInvalid;
    truth.offsets = { ...truth.offsets, ...run.cursor };
    return truth;
  }

  private async persist(state: TopicTruth): Promise<void> {
    if (state.run) await this.settleRun(state);
    const truth = this.folded(state);
    const reader = await this.readerFor(state.cluster);
    if (!reader) {
      state.stored = truth.offsets;
      return;
    }
    if (await reader.writeTruth(this.topic, truth, state.stored)) {
      state.stored = truth.offsets;
      return;
    }
    // Someone else stored a truth of this topic meanwhile (another window): take theirs when nothing runs here.
    const theirs = await reader.readTruth(this.topic);
    this.options.log.warn(
      `truth of ${state.cluster.label}: another Archlab stored this topic's truth meanwhile${state.run ? "; keeping this window's" : '; using it'}`,
    );
    state.stored = theirs?.offsets;
    if (!state.run && theirs) state.base = copy(theirs);
    else if (await reader.writeTruth(this.topic, truth, state.stored)) state.stored = truth.offsets;
  }

  private snapshot(state: TopicTruth): TruthSnapshot {
    const truth = this.folded(state);
    return {
      expected: add(add({}, truth.generated), truth.outside),
      generated: truth.generated,
      outside: truth.outside,
      outsideInvalid: truth.outsideInvalid,
      offsets: truth.offsets,
      updatedAt: state.lastPersist || undefined,
    };
  }
}
