// The lab's event: one JSON message per item sold (lab-stacks/jobs/README.md, "Events"). The Spark jobs parse
// exactly these field names: keep them.
import { CUSTOMER_ID_MAX, isSnackName, MACHINE_COUNT, MACHINE_PREFIX, snackByName, type SnackCategory, type SnackName } from './snacks';

export interface SaleEvent {
  /** Unique per event: `<runId>-<event index>`. */
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

/** Why a message is not a valid event. */
export type InvalidEventReason =
  | 'empty'
  | 'not-json'
  | 'not-an-object'
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
      /**
       * The snack the Spark jobs and the validation consumer still count this message as, or null when they skip it
       * as invalid. Their rule (lab-stacks/jobs/README.md): JSON with an `event_id` and a known `item`.
       */
      countsAs: SnackName | null;
    };

const utf8 = new TextDecoder('utf-8');
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MACHINE_ID = new RegExp(`^${MACHINE_PREFIX}(\\d{1,3})$`);

/** Classifies a Kafka message value: a complete, well-formed event, or why not. Never throws. */
export function parseEvent(value: string | Uint8Array | null | undefined): ParseEventResult {
  if (value === null || value === undefined) return invalid('empty', 'the message has no value', null);
  const text = typeof value === 'string' ? value : utf8.decode(value);
  if (text.trim() === '') return invalid('empty', 'the message value is empty', null);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return invalid('not-json', `not JSON: ${(error as Error).message}`, null);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return invalid('not-an-object', `JSON ${Array.isArray(json) ? 'array' : typeof json === 'object' ? 'null' : typeof json}, not an object`, null);
  }
  const record = json as Record<string, unknown>;
  if (typeof record.event_id !== 'string' || record.event_id === '') return invalid('missing-event-id', 'no event_id', null);
  if (record.item === undefined || record.item === null) return invalid('missing-item', 'no item', null);
  if (!isSnackName(record.item)) return invalid('unknown-item', `unknown item ${JSON.stringify(record.item)}`, null);
  const item = record.item;
  const snack = snackByName(item);
  const bad = (detail: string) => invalid('bad-field', detail, item);

  const machine = typeof record.snack_automat_id === 'string' ? MACHINE_ID.exec(record.snack_automat_id) : null;
  if (!machine || Number(machine[1]) >= MACHINE_COUNT)
    return bad(`snack_automat_id ${JSON.stringify(record.snack_automat_id)} is not SNACK--0 … SNACK--${MACHINE_COUNT - 1}`);
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

function invalid(reason: InvalidEventReason, detail: string, countsAs: SnackName | null): ParseEventResult {
  return { ok: false, reason, detail, countsAs };
}
