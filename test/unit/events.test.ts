import * as assert from 'node:assert/strict';
import { parseEvent, serializeEvent, type SaleEvent } from '../../src/core/events';

const sample: SaleEvent = {
  event_id: 'run1-17-0',
  snack_automat_id: 'SNACK--17',
  customer_id: 42,
  item: 'twix',
  price: 3,
  healthy_food: false,
  category: 'not_healthy',
  timestamp: '2026-11-25T10:00:00.123Z',
};

function withField(field: string, value: unknown): string {
  return JSON.stringify({ ...sample, [field]: value });
}

function without(field: string): string {
  const copy: Record<string, unknown> = { ...sample };
  delete copy[field];
  return JSON.stringify(copy);
}

describe('events: serializeEvent / parseEvent', () => {
  it("serializes the lab's JSON with the field names the Spark jobs read, in a fixed order", () => {
    assert.equal(
      serializeEvent(sample),
      '{"event_id":"run1-17-0","snack_automat_id":"SNACK--17","customer_id":42,"item":"twix","price":3,"healthy_food":false,' +
        '"category":"not_healthy","timestamp":"2026-11-25T10:00:00.123Z"}',
    );
    assert.deepEqual(JSON.parse(serializeEvent(sample)), sample);
  });

  it('escapes strings like JSON.stringify', () => {
    const odd = { ...sample, event_id: 'a"b\\c\n' };
    assert.deepEqual(JSON.parse(serializeEvent(odd)), odd);
  });

  it('parses what it serialized, from a string or bytes', () => {
    assert.deepEqual(parseEvent(serializeEvent(sample)), { ok: true, event: sample });
    assert.deepEqual(parseEvent(new TextEncoder().encode(serializeEvent(sample))), { ok: true, event: sample });
    const healthy = { ...sample, item: 'blueberries' as const, price: 2, healthy_food: true, category: 'healthy' as const };
    assert.deepEqual(parseEvent(serializeEvent(healthy)), { ok: true, event: healthy });
  });

  it('classifies messages the jobs skip as invalid (countsAs null)', () => {
    const cases: [string | null | undefined | Uint8Array, string][] = [
      [null, 'empty'],
      [undefined, 'empty'],
      ['', 'empty'],
      ['   \n', 'empty'],
      [new Uint8Array(), 'empty'],
      ['not json', 'not-json'],
      ['{"event_id": "x", ', 'not-json'],
      ['\u00ff\u0000', 'not-json'],
      ['[1,2]', 'not-an-object'],
      ['42', 'not-an-object'],
      ['"text"', 'not-an-object'],
      ['null', 'not-an-object'],
      ['true', 'not-an-object'],
      [without('event_id'), 'missing-event-id'],
      [withField('event_id', ''), 'missing-event-id'],
      [withField('event_id', null), 'missing-event-id'],
      [without('item'), 'missing-item'],
      [withField('item', null), 'missing-item'],
      [withField('item', 'position_1'), 'unknown-item'],
      [withField('item', 'Twix'), 'unknown-item'],
      [withField('item', 3), 'unknown-item'],
    ];
    for (const [input, reason] of cases) {
      const result = parseEvent(input);
      assert.equal(result.ok, false, `${String(input)} should be invalid`);
      if (!result.ok) {
        assert.equal(result.reason, reason, `${String(input)}: ${result.detail}`);
        assert.equal(result.countsAs, null);
        assert.ok(result.detail.length > 0);
      }
    }
  });

  it('flags a bad field but says the jobs still count it as its item', () => {
    const cases = [
      withField('event_id', 7),
      withField('snack_automat_id', 'SNACK--126'),
      withField('snack_automat_id', 'position_1'),
      withField('snack_automat_id', 17),
      without('snack_automat_id'),
      withField('customer_id', 201),
      withField('customer_id', -1),
      withField('customer_id', 4.5),
      withField('customer_id', '42'),
      withField('price', 1),
      withField('price', '3'),
      withField('healthy_food', true),
      withField('healthy_food', 'false'),
      withField('category', 'healthy'),
      without('category'),
      withField('timestamp', '2026-11-25 10:00:00'),
      withField('timestamp', '2026-11-25T10:00:00Z'),
      withField('timestamp', '2026-11-25T10:00:00.123+01:00'),
      withField('timestamp', '2026-13-45T10:00:00.123Z'),
      withField('timestamp', 1764064800123),
      without('timestamp'),
    ];
    for (const input of cases) {
      const result = parseEvent(input);
      assert.equal(result.ok, false, input);
      if (!result.ok) {
        assert.equal(result.reason, 'bad-field', `${input}: ${result.reason}`);
        assert.equal(result.countsAs, 'twix', input);
      }
    }
  });

  it("ignores extra fields (e.g. the original lab's ones: 1)", () => {
    const result = parseEvent(JSON.stringify({ ...sample, ones: 1 }));
    assert.deepEqual(result, { ok: true, event: sample });
  });

  it('never throws, whatever the input', () => {
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const alphabet = '{}[]":,0123456789abcdefghijklmnopqrstuvwxyz_-. \\\n\u00e9\ud83c';
    for (let i = 0; i < 2000; i++) {
      let text = i % 3 === 0 ? serializeEvent(sample).slice(0, random() % 160) : '';
      const length = random() % 40;
      for (let j = 0; j < length; j++) text += alphabet[random() % alphabet.length];
      const result = parseEvent(text);
      assert.equal(typeof result.ok, 'boolean');
    }
  });
});
