// Playwright: the comparison panel on REAL data: the generator produces to the test bed's Kafka, the views are
// rows in the test bed's Cassandra (real lab schema), and the answer is checked against what Kafka received.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Frame, Page } from 'playwright-core';
import { DriverCassandraClient } from '../../src/clients/cassandra/driverClient';
import { formatCount } from '../../src/core/format';
import type { ComparisonExport } from '../../src/core/comparisonExport';
import { applySchema } from '../support/labSchema';
import { requireService } from '../support/testbed';
import { openWorkbench } from './session';
import { comparisonFrame, notification, runCommandWithArgs, runOfferedCommand, screenshot } from './workbench';

const TOPIC = 'snack_automat_message';
const SNACKS = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'];
const VALIDATION = Object.fromEntries(SNACKS.map((s, i) => [s, 40 + i]));
const KAPPA = Object.fromEntries(SNACKS.map((s, i) => [s, 30 + 2 * i]));

const cellText = (frame: Frame, pipeline: string, snack: string) =>
  frame.locator(`#answer td[data-pipeline="${pipeline}"][data-snack="${snack}"] .count`).innerText();
const truthText = (frame: Frame, snack: string) => frame.locator(`#answer tbody tr:has(th:text-is("${snack}")) td.truth`).innerText();
const parse = (text: string) => Number(text.replace(/[^\d]/g, ''));

describe('Archlab UI: the comparison on real data (real Kafka, real Cassandra, running generator)', function () {
  this.timeout(300_000);
  const kafkaInfo = requireService('kafka');
  const cassandraInfo = requireService('cassandra');
  const kafka = new Kafka({ brokers: [kafkaInfo.bootstrap], clientId: 'archlab-comparison-live', logLevel: logLevel.NOTHING });
  const cassandra = new DriverCassandraClient({ contactPoints: [cassandraInfo.contactPoint], localDataCenter: cassandraInfo.localDataCenter });
  const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-comparison-live-'));
  let page: Page;
  let frame: Frame;
  let stop: () => Promise<void> = async () => undefined;
  let offsetsBefore = 0;

  async function topicTotal(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).includes(TOPIC) ? (await admin.fetchTopicOffsets(TOPIC)).reduce((sum, p) => sum + Number(p.high), 0) : 0;
    } finally {
      await admin.disconnect();
    }
  }

  before(async () => {
    await applySchema(cassandra);
    // No stored truth: the extension accounts for the whole topic, and the messages earlier suites left there are
    // "produced outside the generator" (this window's generator runs are its own).
    for (const table of ['view_counts', 'view_pointer', 'speed_buckets', 'truth']) await cassandra.execute(`TRUNCATE archlab.${table}`);
    for (const [item, count] of Object.entries(VALIDATION))
      await cassandra.execute('INSERT INTO archlab.view_counts ("view", version, item, count) VALUES (\'validation\', 0, ?, ?)', [item, count]);
    for (const [item, count] of Object.entries(KAPPA))
      await cassandra.execute('INSERT INTO archlab.view_counts ("view", version, item, count) VALUES (\'kappa\', 2, ?, ?)', [item, count]);
    await cassandra.execute('INSERT INTO archlab.view_pointer ("view", version) VALUES (\'kappa\', 2)');
    offsetsBefore = await topicTotal();
    const session = await openWorkbench({
      settings: {
        'archlab.kafka.bootstrapServers': [kafkaInfo.bootstrap],
        'archlab.cassandra.contactPoints': [cassandraInfo.contactPoint],
        'archlab.generator.eventsPerSecond': 300,
        'archlab.generator.seed': 11,
      },
    });
    page = session.page;
    stop = session.close;
  });

  after(async () => {
    await stop();
    for (const table of ['view_counts', 'view_pointer']) await cassandra.execute(`TRUNCATE archlab.${table}`).catch(() => undefined);
    await cassandra.close();
    fs.rmSync(exportDir, { recursive: true, force: true });
  });

  it("shows the running generator's truth and the views' numbers read from Cassandra", async () => {
    await runOfferedCommand(page, 'Archlab: Start Data Generator');
    await page.locator('.statusbar-item', { hasText: /ev\/s/ }).first().waitFor({ timeout: 60_000 });
    await runOfferedCommand(page, 'Archlab: Open Comparison');
    frame = await comparisonFrame(page);
    await frame.locator('#answer tbody td.truth').first().filter({ hasText: /[1-9]/ }).waitFor({ timeout: 60_000 });
    for (const snack of SNACKS) {
      assert.equal(await cellText(frame, 'validation', snack), formatCount(VALIDATION[snack]), `validation ${snack}`);
      assert.equal(await cellText(frame, 'kappa', snack), formatCount(KAPPA[snack]), `kappa ${snack}`);
    }
    await screenshot(page, 'comparison-live');
  });

  it('after Stop, the truth is what Kafka acknowledged plus what the topic held before (shown as outside), stored with its offsets; the export matches', async () => {
    await runOfferedCommand(page, 'Archlab: Stop Data Generator');
    await notification(page, 'data generator stopped');
    const received = (await topicTotal()) - offsetsBefore;
    assert.ok(received > 0);
    // The panel refreshes every 2 s: wait until it shows the final truth: this run's events plus the valid messages
    // that were in the topic before, which it shows as produced outside the generator (all of them, valid or not).
    const deadline = Date.now() + 60_000;
    let shownTotal = 0;
    let outside = { valid: -1, invalid: -1 };
    while (Date.now() < deadline) {
      shownTotal = 0;
      for (const snack of SNACKS) shownTotal += parse(await truthText(frame, snack));
      const line = offsetsBefore > 0 ? await frame.locator('#outside').innerText() : '0 valid, counted in the truth; 0 invalid';
      const m = /([\d,]+) valid, counted in the truth; ([\d,]+) invalid/.exec(line);
      outside = m ? { valid: parse(m[1]), invalid: parse(m[2]) } : outside;
      if (shownTotal === received + outside.valid && outside.valid + outside.invalid === offsetsBefore) break;
      await page.waitForTimeout(500);
    }
    assert.equal(outside.valid + outside.invalid, offsetsBefore, 'every message that was in the topic before is shown as produced outside the generator');
    assert.equal(shownTotal, received + outside.valid, "the truth is this run's acknowledged events plus the valid messages from outside");
    const stored = await cassandra.execute('SELECT item, count FROM archlab.view_counts WHERE "view" = \'truth\' AND version = 0');
    assert.equal(
      stored.rows.reduce((sum, r) => sum + Number(r.count), 0),
      shownTotal,
      'the final truth is stored for the dashboards',
    );
    const truthRow = await cassandra.execute('SELECT offsets FROM archlab.truth WHERE topic = ? LIMIT 1', [TOPIC]);
    const accounted = Object.values((truthRow.rows[0]?.offsets ?? {}) as Record<string, unknown>).reduce<number>((n, v) => n + Number(v), 0);
    assert.equal(accounted, received + offsetsBefore, 'stored with the topic offsets it accounts for (the whole topic)');

    fs.mkdirSync(exportDir, { recursive: true });
    const json = path.join(exportDir, 'comparison.json');
    await runCommandWithArgs(page, 'archlab.comparison.export', exportDir, () => fs.existsSync(path.join(exportDir, 'comparison-report.md')));
    const exported = JSON.parse(fs.readFileSync(json, 'utf8')) as ComparisonExport;
    const rows = exported.latest!.rows;
    assert.equal(
      rows.reduce((sum, r) => sum + (r.truth ?? 0), 0),
      shownTotal,
    );
    for (const row of rows) {
      assert.equal(row.cells.validation.count, VALIDATION[row.snack]);
      assert.equal(row.cells.kappa.count, KAPPA[row.snack]);
    }
    const csv = fs.readFileSync(path.join(exportDir, 'comparison-timeseries.csv'), 'utf8').trim().split('\n');
    assert.ok(csv.length >= 3, 'a header and the samples');
    assert.match(fs.readFileSync(path.join(exportDir, 'comparison-report.md'), 'utf8'), new RegExp(`${formatCount(shownTotal)} items`));
  });
});
