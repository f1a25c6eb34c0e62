// The lab's event: one JSON message per item sold, and the validity rule of lab-stacks/lab-contract.json that
// decides which message every job counts (the jobs apply the same rule: lab-stacks/jobs/archlab_jobs/events.py
// and sparkjobs.item_column; test/fixtures/golden-messages.json proves that all three agree).
import { LAB_CONTRACT } from './contract';
import { CUSTOMER_ID_MAX, isSnackName, MACHINE_COUNT, MACHINE_PREFIX, machineId, snackByName, type SnackCategory, type SnackName } from './snacks';

export interface SaleEvent {
  /** Unique per event: `<runId>-<purchase index>-<item index>`. */
  event_id: string;
  /** SNACK--0 … SNACK--125 */
  snack_automat_id: string;
  /** 0 … 200 */
  customer_id: number;
  item: SnackName;
  price: number;
  healthy_food: boolean;
  category: SnackCategory;
  /** Event time, UTC ISO-8601 with milliseconds: 2026-11-25T10:00:00.123Z */
  timestamp: string;
}

/**
 * The JSON of an event, fields in a fixed order. Written by hand (not JSON.stringify of the object) because the
 * generator serializes hundreds of thousands of events a second; strings still go through JSON.stringify.
 */
export function serializeEvent(event: SaleEvent): string {
  return (
    `{"event_id":${JSON.stringify(event.event_id)},"snack_automat_id":${JSON.stringify(event.snack_automat_id)},` +
    `"customer_id":${event.customer_id},"item":${JSON.stringify(event.item)},"price":${event.price},` +
    `"healthy_food":${event.healthy_food},"category":${JSON.stringify(event.category)},"timestamp":${JSON.stringify(event.timestamp)}}`
  );
}

/** A valid lab event to produce by hand (event_id `manual-…`, so the truth tells it from the generator's). */
export function manualEvent(item = 'twix', now = Date.now()): SaleEvent {
  const snack = snackByName(item);
  return {
    event_id: `manual-${now.toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`,
    snack_automat_id: machineId(0),
    customer_id: 0,
    item: snack.name,
    price: snack.price,
    healthy_food: snack.healthy,
    category: snack.category,
    timestamp: new Date(now).toISOString(),
  };
}

/** Why the jobs count a message as invalid (the contract's validity rules, in order), or why it is not a complete event. */
export type InvalidEventReason =
  | 'empty'
  | 'not-json'
  | 'not-an-object'
  | 'too-deep'
  | 'number-run'
  | 'missing-event-id'
  | 'missing-item'
  | 'unknown-item'
  /** event_id and a known item are there (the jobs count it), but another field is missing or wrong. */
  | 'bad-field';

export type ParseEventResult =
  | { ok: true; event: SaleEvent }
  | {
      ok: false;
      reason: InvalidEventReason;
      detail: string;
      /** The snack the jobs still count this message as (reason 'bad-field'), or null when they count it as invalid. */
      countsAs: SnackName | null;
    };

/** The jobs' verdict on a message: the snack it counts for, or why it is invalid. */
export type MessageVerdict =
  { counts: SnackName; record: Record<string, unknown> } | { counts: null; reason: Exclude<InvalidEventReason, 'bad-field'>; detail: string };

// Bad bytes become U+FFFD, as the jobs decode them; a byte order mark stays (it is not JSON white space).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const { maxNestingDepth: MAX_DEPTH, maxNumberRun: MAX_RUN } = LAB_CONTRACT.validity;
const NUMBER_RUN = new RegExp(`[0-9.eE+-]{${MAX_RUN}}`);
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MACHINE_ID = new RegExp(`^${MACHINE_PREFIX}(\\d{1,3})$`);

/** The deepest nesting of a JSON text (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** The contract's validity rule: which snack a message counts for, or why it is invalid. Never throws. */
export function judgeMessage(value: string | Uint8Array | null | undefined): MessageVerdict {
  if (value === null || value === undefined) return { counts: null, reason: 'empty', detail: 'the message has no value' };
  const text = typeof value === 'string' ? value : utf8.decode(value);
  if (text.trim() === '') return { counts: null, reason: 'empty', detail: 'the message value is empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { counts: null, reason: 'not-json', detail: `not JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { counts: null, reason: 'not-an-object', detail: `JSON ${Array.isArray(json) ? 'array' : json === null ? 'null' : typeof json}, not an object` };
  }
  if (text.length >= MAX_RUN && NUMBER_RUN.test(text)) {
    return { counts: null, reason: 'number-run', detail: `${MAX_RUN} or more characters in a row that make up a number (more than Spark's JSON parser reads)` };
  }
  if (text.length > 2 * MAX_DEPTH && nestingDepth(text) > MAX_DEPTH) {
    return { counts: null, reason: 'too-deep', detail: `nested more than ${MAX_DEPTH} levels deep` };
  }
  const record = json as Record<string, unknown>;
  if (record.event_id === undefined || record.event_id === null || record.event_id === '')
    return { counts: null, reason: 'missing-event-id', detail: 'no event_id' };
  if (record.item === undefined || record.item === null) return { counts: null, reason: 'missing-item', detail: 'no item' };
  if (!isSnackName(record.item)) return { counts: null, reason: 'unknown-item', detail: `unknown item ${JSON.stringify(record.item)}` };
  return { counts: record.item, record };
}

/** Classifies a Kafka message value: a complete, well-formed event, or why not (and whether the jobs count it). Never throws. */
export function parseEvent(value: string | Uint8Array | null | undefined): ParseEventResult {
  const verdict = judgeMessage(value);
  if (verdict.counts === null) return { ok: false, reason: verdict.reason, detail: verdict.detail, countsAs: null };
  const { record, counts: item } = verdict;
  const snack = snackByName(item);
  const bad = (detail: string): ParseEventResult => ({ ok: false, reason: 'bad-field', detail, countsAs: item });

  if (typeof record.event_id !== 'string') return bad(`event_id ${JSON.stringify(record.event_id)} is not a string`);
  const machine = typeof record.snack_automat_id === 'string' ? MACHINE_ID.exec(record.snack_automat_id) : null;
  if (!machine || Number(machine[1]) >= MACHINE_COUNT)
    return bad(`snack_automat_id ${JSON.stringify(record.snack_automat_id)} is not ${MACHINE_PREFIX}0 … ${MACHINE_PREFIX}${MACHINE_COUNT - 1}`);
  const customer = record.customer_id;
  if (typeof customer !== 'number' || !Number.isInteger(customer) || customer < 0 || customer > CUSTOMER_ID_MAX) {
    return bad(`customer_id ${JSON.stringify(customer)} is not an integer 0 … ${CUSTOMER_ID_MAX}`);
  }
  if (record.price !== snack.price) return bad(`price ${JSON.stringify(record.price)} is not ${snack.price} for ${item}`);
  if (record.healthy_food !== snack.healthy) return bad(`healthy_food ${JSON.stringify(record.healthy_food)} is not ${snack.healthy} for ${item}`);
  if (record.category !== snack.category) return bad(`category ${JSON.stringify(record.category)} is not ${snack.category} for ${item}`);
  const timestamp = record.timestamp;
  if (typeof timestamp !== 'string' || !ISO_UTC_MS.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    return bad(`timestamp ${JSON.stringify(timestamp)} is not UTC ISO-8601 with milliseconds`);
  }
  return {
    ok: true,
    event: {
      event_id: record.event_id,
      snack_automat_id: record.snack_automat_id as string,
      customer_id: customer,
      item,
      price: snack.price,
      healthy_food: snack.healthy,
      category: snack.category,
      timestamp,
    },
  };
}
