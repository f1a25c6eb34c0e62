// The golden messages (test/fixtures/golden-messages.json) against the extension's side of the validity rule:
// the same file is checked against the Python consumer and Spark SQL (test/python/test_jobs_rules.py) and against
// the real jobs end to end (test/python/test_jobs_golden.py).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAB_CONTRACT } from '../../src/core/contract';
import { judgeMessage, parseEvent } from '../../src/core/events';
import { SNACK_NAMES, SNACK_TOPIC, SNACK_TOPIC_PARTITIONS } from '../../src/core/snacks';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

interface GoldenMessage {
  name: string;
  text?: string;
  base64?: string;
  value?: null;
  counts: string | null;
}

export function goldenMessages(): { name: string; value: Uint8Array | null; counts: string | null }[] {
  const file = path.join(repoRoot, 'test', 'fixtures', 'golden-messages.json');
  const { messages } = JSON.parse(fs.readFileSync(file, 'utf8')) as { messages: GoldenMessage[] };
  return messages.map((m) => ({
    name: m.name,
    counts: m.counts,
    value: m.text !== undefined ? new TextEncoder().encode(m.text) : m.base64 !== undefined ? new Uint8Array(Buffer.from(m.base64, 'base64')) : null,
  }));
}

describe('lab contract: the validity rule on the golden messages', () => {
  const golden = goldenMessages();

  it('has valid and invalid golden messages, each naming a snack of the catalog or null', () => {
    assert.ok(golden.filter((m) => m.counts !== null).length >= 10);
    assert.ok(golden.filter((m) => m.counts === null).length >= 30);
    for (const m of golden) assert.ok(m.counts === null || SNACK_NAMES.includes(m.counts), m.name);
    assert.equal(new Set(golden.map((m) => m.name)).size, golden.length, 'names are unique');
  });

  for (const message of goldenMessages()) {
    it(`${message.counts ? `counts for ${message.counts}` : 'is invalid'}: ${message.name}`, () => {
      const verdict = judgeMessage(message.value);
      assert.equal(verdict.counts, message.counts, verdict.counts === null ? verdict.detail : 'counted');
      const parsed = parseEvent(message.value);
      assert.equal(parsed.ok ? parsed.event.item : parsed.countsAs, message.counts, 'parseEvent says the same');
    });
  }

  it('gives the same verdict for bytes and for the text they decode to (valid UTF-8)', () => {
    for (const m of golden.filter((g) => g.value !== null)) {
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(m.value!);
      assert.equal(judgeMessage(text).counts, judgeMessage(m.value).counts, m.name);
    }
  });

  it('is read from lab-stacks/lab-contract.json: topic, partitions, snacks, limits', () => {
    const file = JSON.parse(fs.readFileSync(path.join(repoRoot, 'lab-stacks', 'lab-contract.json'), 'utf8'));
    assert.equal(SNACK_TOPIC, file.topic.name);
    assert.equal(SNACK_TOPIC_PARTITIONS, file.topic.partitions);
    assert.deepEqual(
      [...SNACK_NAMES],
      file.snacks.map((s: { name: string }) => s.name),
    );
    assert.equal(LAB_CONTRACT.validity.maxNestingDepth, 999);
    assert.equal(LAB_CONTRACT.validity.maxNumberRun, 1000);
  });

  it('names exactly the tables lab-stacks/jobs/schema.cql creates, in its keyspace', () => {
    const schema = fs.readFileSync(path.join(repoRoot, 'lab-stacks', 'jobs', 'schema.cql'), 'utf8');
    const created = [...schema.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(new Set(created.map(([k]) => k)), new Set([LAB_CONTRACT.keyspace]));
    assert.deepEqual(created.map(([, t]) => t).sort(), Object.values(LAB_CONTRACT.tables).sort());
  });
});
