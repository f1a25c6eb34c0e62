// The lab's event generator, pure (no I/O): purchases → items → events, reproducible from (seed, purchase index)
// and an injected clock. The Kafka side lives in src/workers/generator/worker.ts.
//
// Randomness: every purchase gets its own mulberry32 stream (Tommy Ettinger's 32-bit generator, public domain,
// period 2^32, passes gjrand/PractRand for the few draws used here) seeded with the murmur3 fmix32 finalizer of
// (seed, purchase index). So purchase n is the same whatever happened before it (random access, resumable), and the
// sequence of a seed never depends on batching, timing or rate.
import type { SaleEvent } from './events';
import { CUSTOMER_ID_MAX, ITEMS_PER_PURCHASE_WEIGHTS, MACHINE_COUNT, machineId, SNACK_NAMES, SNACKS, snackByName, type SnackName } from './snacks';

/** Per-snack counts (the source truth is one of these). */
export type SnackCounts = Record<SnackName, number>;

export function emptySnackCounts(): SnackCounts {
  return Object.fromEntries(SNACK_NAMES.map((name) => [name, 0])) as SnackCounts;
}

export function addSnackCounts(into: SnackCounts, other: Readonly<SnackCounts>): SnackCounts {
  for (const name of SNACK_NAMES) into[name] += other[name] ?? 0;
  return into;
}

export function totalOfSnackCounts(counts: Readonly<SnackCounts>): number {
  let total = 0;
  for (const name of SNACK_NAMES) total += counts[name] ?? 0;
  return total;
}

export function countEvents(events: Iterable<Pick<SaleEvent, 'item'>>): SnackCounts {
  const counts = emptySnackCounts();
  for (const event of events) counts[event.item]++;
  return counts;
}

/** murmur3's 32-bit finalizer: a bijective avalanche mix. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: returns a function giving uniform floats in [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Any integer seed (negative, beyond 32 bits) folded to 32 bits, both halves kept. */
export function seed32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const integer = Math.trunc(seed);
  const low = integer >>> 0;
  const high = Math.floor(integer / 4294967296) >>> 0;
  return fmix32(low ^ fmix32(high ^ 0x9e3779b9));
}

function purchaseRandom(seed: number, purchaseIndex: number): () => number {
  const low = purchaseIndex >>> 0;
  const high = Math.floor(purchaseIndex / 4294967296) >>> 0;
  return mulberry32(fmix32(seed ^ fmix32(low + 0x7f4a7c15) ^ fmix32(high ^ 0x165667b1)));
}

const WEIGHT_TOTAL = ITEMS_PER_PURCHASE_WEIGHTS.reduce((a, b) => a + b, 0);

/** One purchase at a machine: 1 … 8 items, each a snack picked uniformly. */
export interface Purchase {
  index: number;
  machine: string;
  customerId: number;
  items: SnackName[];
  /** Event time of every item of the purchase, ms since the epoch. */
  timeMs: number;
}

/** Purchase number `index` of a seed (see the header for the randomness). `seed` is the 32-bit seed from seed32. */
export function purchaseAt(seed: number, index: number, timeMs: number): Purchase {
  const random = purchaseRandom(seed, index);
  const machine = machineId(Math.floor(random() * MACHINE_COUNT));
  const customerId = Math.floor(random() * (CUSTOMER_ID_MAX + 1));
  let pick = random() * WEIGHT_TOTAL;
  let count = 1;
  for (const weight of ITEMS_PER_PURCHASE_WEIGHTS) {
    if (pick < weight) break;
    pick -= weight;
    count++;
  }
  count = Math.min(count, ITEMS_PER_PURCHASE_WEIGHTS.length);
  const items: SnackName[] = [];
  for (let i = 0; i < count; i++) items.push(SNACKS[Math.floor(random() * SNACKS.length)].name);
  return { index, machine, customerId, items, timeMs };
}

/** `<runId>-<purchase index>-<item index>`: unique within a run whatever the seed. */
export function eventId(runId: string, purchaseIndex: number, itemIndex: number): string {
  return `${runId}-${purchaseIndex}-${itemIndex}`;
}

export function eventsOfPurchase(purchase: Purchase, runId: string): SaleEvent[] {
  const timestamp = new Date(purchase.timeMs).toISOString();
  return purchase.items.map((item, i) => {
    const snack = snackByName(item);
    return {
      event_id: eventId(runId, purchase.index, i),
      snack_automat_id: purchase.machine,
      customer_id: purchase.customerId,
      item,
      price: snack.price,
      healthy_food: snack.healthy,
      category: snack.category,
      timestamp,
    };
  });
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._]{0,39}$/;

/** A run id tells runs of the same seed apart in event ids: `s<seed>.<start time in base 36>`. */
export function defaultRunId(seed: number, startedAtMs: number): string {
  return `s${Math.trunc(seed)}.${Math.trunc(startedAtMs).toString(36)}`.replace(/-/g, 'm');
}

export function isValidRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}

export interface EventGeneratorOptions {
  seed: number;
  /** Goes into every event id; letters, digits, '.', '_' (no '-', the id's separator). */
  runId: string;
  /** Event time source, read once per purchase (all items of a purchase share it). Default Date.now. */
  clock?: () => number;
  /** First purchase index (to resume a sequence). Default 0. */
  startPurchase?: number;
}

/** An event already serialized (exactly serializeEvent's output), with what the producer needs beside it. */
export interface SerializedSaleEvent {
  json: string;
  item: SnackName;
  /** The machine id: the Kafka key. */
  key: string;
}

/** `"item":…,"category":…` of each snack, for the generator's fast serialization. */
const SNACK_FIELDS = new Map(
  SNACKS.map((snack) => [snack.name, `"item":"${snack.name}","price":${snack.price},"healthy_food":${snack.healthy},"category":"${snack.category}"`]),
);

/** Sequential events of a seed. The same options give the same events, in the same order. */
export class EventGenerator {
  readonly seed: number;
  readonly runId: string;
  private readonly seedState: number;
  private readonly clock: () => number;
  private purchase: number;
  private current: Purchase | undefined;
  private itemAt = 0;
  private prefix = '';
  private middle = '';
  private tail = '';
  private timestamp = '';
  private generated = 0;

  constructor(options: EventGeneratorOptions) {
    if (!isValidRunId(options.runId)) throw new RangeError(`invalid run id "${options.runId}": use up to 40 letters, digits, '.' or '_'`);
    this.seed = options.seed;
    this.runId = options.runId;
    this.seedState = seed32(options.seed);
    this.clock = options.clock ?? Date.now;
    this.purchase = options.startPurchase ?? 0;
  }

  /** Events returned so far. */
  get eventCount(): number {
    return this.generated;
  }

  /** Index of the next purchase to be drawn. */
  get nextPurchaseIndex(): number {
    return this.purchase;
  }

  next(): SaleEvent {
    const purchase = this.advance();
    const i = this.itemAt++;
    this.generated++;
    const snack = snackByName(purchase.items[i]);
    return {
      event_id: eventId(this.runId, purchase.index, i),
      snack_automat_id: purchase.machine,
      customer_id: purchase.customerId,
      item: snack.name,
      price: snack.price,
      healthy_food: snack.healthy,
      category: snack.category,
      timestamp: this.timestamp,
    };
  }

  /**
   * The next event as JSON, without building the object: the same text serializeEvent gives (every string in a
   * generated event is plain ASCII without quotes or backslashes: run id, machine id, snack, ISO time).
   */
  nextSerialized(): SerializedSaleEvent {
    const purchase = this.advance();
    const i = this.itemAt++;
    this.generated++;
    const item = purchase.items[i];
    return { json: `{"event_id":"${this.prefix}${i}${this.middle}${SNACK_FIELDS.get(item)}${this.tail}`, item, key: purchase.machine };
  }

  take(count: number): SaleEvent[] {
    const events = new Array<SaleEvent>(count);
    for (let i = 0; i < count; i++) events[i] = this.next();
    return events;
  }

  private advance(): Purchase {
    if (!this.current || this.itemAt >= this.current.items.length) {
      const purchase = purchaseAt(this.seedState, this.purchase++, this.clock());
      this.current = purchase;
      this.itemAt = 0;
      this.prefix = `${this.runId}-${purchase.index}-`;
      this.middle = `","snack_automat_id":"${purchase.machine}","customer_id":${purchase.customerId},`;
      this.timestamp = new Date(purchase.timeMs).toISOString();
      this.tail = `,"timestamp":"${this.timestamp}"}`;
    }
    return this.current;
  }
}

/** A clock for reproducible runs: `startMs`, then `stepMs` later on every read. */
export function steppedClock(startMs: number, stepMs: number): () => number {
  let next = startMs;
  return () => {
    const now = next;
    next += stepMs;
    return now;
  };
}
