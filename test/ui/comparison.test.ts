// Playwright: "Archlab: Open Comparison" in VS Code (code-server), on FIXTURE DATA: a test-only helper extension
// (test/fixtures/extensions/comparison-fixture) feeds the panel known snapshots (a generator that runs, then stops)
// through Archlab's test API, so that the rendering (marks, accuracy, theme, reload) is checked against exact
// figures. The panel on the lab's real views is checked by comparisonLive.test.ts and the run-the-lab tests.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { compare, PIPELINES, type ComparisonSnapshot, type Pipeline } from '../../src/core/comparison';
import { formatAccuracy, formatCount, formatDifference } from '../../src/core/format';
import type { ComparisonExport } from '../../src/core/comparisonExport';
import { openWorkbench } from './session';
import { comparisonFrame, reloadWindow, runCommand, runCommandWithArgs, runOfferedCommand, screenshot, screenshotsDir } from './workbench';

type Fixture = Omit<ComparisonSnapshot, 'at'>;

const TRUTH = { apple: 312, banana: 298, orange: 301, blueberries: 156, snickers: 205, mars: 199, twix: 187, milkyway: 142 };
const BATCH = { apple: 300, banana: 290, orange: 290, blueberries: 150, snickers: 200, mars: 190, twix: 180, milkyway: 140 };
const SPEED = { apple: 12, banana: 8, orange: 11, blueberries: 6, snickers: 5, mars: 9, twix: 4, milkyway: 2 };
// serving = batch + speed since the cut-off: the speed layer has not seen the last 3 twix yet
const SERVING = { apple: 312, banana: 298, orange: 301, blueberries: 156, snickers: 205, mars: 199, twix: 184, milkyway: 142 };
const CONTAINERS = [
  { name: 'archlab-lambda-spark-worker-1', cpuPercent: 85.5, memoryBytes: 1_200_000_000 },
  { name: 'archlab-kappa-kafka-1', cpuPercent: 20, memoryBytes: 700_000_000 },
];

const scale = (counts: Record<string, number>, f: number) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.floor(v * f)]));
const sumOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Five reads while the generator runs (the views trail it), then the final state, repeated. */
function fixture(): Fixture[] {
  const steps: Fixture[] = [1, 2, 3, 4, 5].map((k) => {
    const truth = scale(TRUTH, k / 6);
    return {
      truth,
      producedTotal: sumOf(truth),
      views: {
        validation: { counts: scale(TRUTH, (k - 0.1) / 6) },
        lambdaBatch: { counts: scale(BATCH, (k - 1) / 6), version: k },
        lambdaSpeed: { counts: scale(SPEED, k / 6) },
        lambdaServing: { counts: scale(SERVING, (k - 0.6) / 6) },
        kappa: { counts: scale(TRUTH, (k - 0.3) / 6), version: 1 },
      },
      stacks: { lambda: true, kappa: true },
      containers: CONTAINERS.map((c) => ({ ...c, cpuPercent: c.cpuPercent * (0.8 + k / 25) })),
    };
  });
  const final: Fixture = {
    truth: TRUTH,
    producedTotal: sumOf(TRUTH),
    views: {
      validation: { counts: TRUTH, invalid: 2 },
      lambdaBatch: { counts: BATCH, version: 6 },
      lambdaSpeed: { counts: SPEED },
      lambdaServing: { counts: SERVING },
      kappa: { counts: TRUTH, version: 1 },
    },
    stacks: { lambda: true, kappa: true },
    containers: CONTAINERS,
  };
  return [...steps, final];
}

const cell = (frame: Frame, pipeline: Pipeline | 'truth', snack: string) =>
  pipeline === 'truth'
    ? frame.locator(`#answer tbody tr:has(th:text-is("${snack}")) td.truth`)
    : frame.locator(`#answer td[data-pipeline="${pipeline}"][data-snack="${snack}"]`);

describe('Archlab UI: the comparison panel (fixture data, not yet real Cassandra)', function () {
  this.timeout(300_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-comparison-'));
  const fixtureFile = path.join(work, 'fixture.json');
  const exportDir = path.join(work, 'export');
  const expected = compare({ at: 0, ...fixture()[5] });
  const consoleErrors: string[] = [];
  let page: Page;
  let frame: Frame;
  let stop: () => Promise<void> = async () => undefined;

  before(async () => {
    fs.writeFileSync(fixtureFile, JSON.stringify(fixture()));
    const session = await openWorkbench({ comparisonFixture: fixtureFile });
    page = session.page;
    stop = session.close;
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `comparison-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => {
    await stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('opens from the command palette and shows the final snapshot per snack, differences marked', async () => {
    await runOfferedCommand(page, 'Archlab: Open Comparison');
    await page.locator('.tab', { hasText: 'Archlab Comparison' }).waitFor({ timeout: 30_000 });
    frame = await comparisonFrame(page);
    // The generator "runs" for five reads (2 s apart), then stops: wait for the final figures.
    await frame.locator('#answer tfoot tr.total td.truth', { hasText: '1,800' }).waitFor({ timeout: 60_000 });
    for (const row of expected.rows) {
      assert.equal(await cell(frame, 'truth', row.snack).innerText(), formatCount(row.truth), `truth of ${row.snack}`);
      for (const pipeline of PIPELINES) {
        const td = cell(frame, pipeline, row.snack);
        assert.equal(await td.locator('.count').innerText(), formatCount(row.cells[pipeline].count), `${pipeline} ${row.snack}`);
        const difference = row.cells[pipeline].difference;
        const differs = await td.evaluate((e) => e.classList.contains('differs'));
        assert.equal(differs, difference !== null && difference !== 0, `${pipeline} ${row.snack} marked as different`);
        if (differs) assert.match(await td.innerText(), new RegExp(formatDifference(difference)), `${pipeline} ${row.snack} shows its difference`);
      }
    }
    // twix in lambda serving: 184 of 187, marked by an arrow and "−3", not only by colour
    const twix = cell(frame, 'lambdaServing', 'twix');
    assert.equal(await twix.getAttribute('title'), '3 fewer than the truth');
    assert.equal(await twix.locator('.codicon-arrow-down').count(), 1);
    assert.equal(await cell(frame, 'kappa', 'twix').locator('.codicon-check').count(), 1);
    const footer = (row: string, pipeline: Pipeline) => frame.locator(`#answer tfoot td[data-row="${row}"][data-pipeline="${pipeline}"]`).innerText();
    assert.equal(await footer('accuracy', 'lambdaServing'), '99.83 %'); // 1 − 3/1800, rounded down
    assert.equal(await footer('accuracy', 'lambdaBatch'), '96.66 %'); // 1 − 60/1800
    assert.equal(await footer('accuracy', 'kappa'), '100.00 %');
    assert.equal(await footer('accuracy', 'lambdaSpeed'), '\u2014');
    assert.equal(await footer('absoluteError', 'lambdaServing'), '3');
    for (const pipeline of PIPELINES)
      assert.equal(await footer('accuracy', pipeline), pipeline === 'lambdaSpeed' ? '\u2014' : formatAccuracy(expected.totals[pipeline].accuracy));
    assert.match(await frame.locator('#stacks').innerText(), /Lambda running[\s\S]*Kappa running/);
  });

  it('draws the charts (counts, freshness, throughput, CPU, memory) on canvases with pixels', async () => {
    for (const id of ['counts', 'freshness', 'throughput', 'cpu', 'memory']) {
      await frame.locator(`#chart-${id} canvas`).waitFor({ timeout: 10_000 });
      const painted = await frame.locator(`#chart-${id} canvas`).evaluate((canvas: HTMLCanvasElement) => {
        const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
        return count;
      });
      assert.ok(painted > 500, `${id} chart has painted pixels (${painted})`);
    }
    const legend = await frame.locator('#chart-counts .u-legend').innerText();
    for (const label of ['Produced (truth)', 'Validation', 'Lambda batch', 'Lambda speed', 'Lambda serving', 'Kappa'])
      assert.ok(legend.includes(label), `legend has ${label}: ${legend}`);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'comparison');
    await frame.locator('#charts-heading').evaluate((e) => e.scrollIntoView());
    await screenshot(page, 'comparison-charts');
    await frame.evaluate(() => window.scrollTo(0, 0));
  });

  it('is keyboard accessible: the toolbar, the window choice and the table are reachable with Tab', async () => {
    await frame.locator('h1').click();
    const reached: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await frame.evaluate(() => {
          const e = document.activeElement;
          const tag = e?.tagName.toLowerCase();
          return tag === 'vscode-tab-header' || tag === 'vscode-tab-panel' ? tag : e?.id || e?.className || '';
        }),
      );
    }
    // The toolbar, then the tab list (Snacks | Experiments) and its panel, then the table and the window choice.
    assert.deepEqual(reached.slice(0, 7), ['refresh', 'export', 'clear', 'vscode-tab-header', 'vscode-tab-panel', 'table-wrap', 'window'], reached.join(' | '));
    assert.equal(await frame.locator('#answer thead th[scope="col"]').count(), 7);
    assert.equal(await frame.locator('#answer tbody th[scope="row"]').count(), 8);
  });

  it('follows the colour theme: switching to Dark Modern redraws the charts in its colours', async () => {
    const before = await frame.locator('#chart-counts').getAttribute('data-colours');
    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill('Dark Modern');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor();
    await page.keyboard.press('Enter');
    await frame.waitForFunction((old) => document.getElementById('chart-counts')?.dataset.colours !== old, before, { timeout: 15_000 });
    assert.ok(await frame.evaluate(() => document.body.classList.contains('vscode-dark')));
    await frame.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'comparison-dark');
  });

  it('keeps the page within its Content Security Policy (no violations, no script errors)', () => {
    assert.deepEqual(
      consoleErrors.filter((e) => /Content Security Policy|comparison\.js|uplot/i.test(e)),
      [],
    );
  });

  it('exports CSV, JSON, the Markdown report and chart PNGs to a folder given to the command, matching the table', async () => {
    // The command takes the folder as its argument (no dialog); a keybinding with args runs it from the UI.
    fs.mkdirSync(exportDir, { recursive: true });
    const report = path.join(exportDir, 'comparison-report.md');
    await runCommandWithArgs(page, 'archlab.comparison.export', exportDir, () => fs.existsSync(report));
    frame = await comparisonFrame(page);
    await frame.locator('#notice', { hasText: 'Exported' }).waitFor({ timeout: 15_000 });

    // The numbers the table shows now, straight from the page.
    const shown: Record<string, Record<string, string>> = {};
    for (const row of expected.rows) {
      shown[row.snack] = { truth: await cell(frame, 'truth', row.snack).innerText() };
      for (const pipeline of PIPELINES) shown[row.snack][pipeline] = await cell(frame, pipeline, row.snack).locator('.count').innerText();
    }

    const json = JSON.parse(fs.readFileSync(path.join(exportDir, 'comparison.json'), 'utf8')) as ComparisonExport;
    assert.equal(json.format, 'archlab-comparison');
    for (const row of json.latest!.rows) {
      assert.equal(formatCount(row.truth), shown[row.snack].truth, `JSON truth of ${row.snack}`);
      for (const pipeline of PIPELINES) assert.equal(formatCount(row.cells[pipeline].count), shown[row.snack][pipeline], `JSON ${pipeline} ${row.snack}`);
    }
    assert.ok(json.series.length >= 6, `the series has every read (${json.series.length})`);

    const csv = fs.readFileSync(path.join(exportDir, 'comparison-timeseries.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    const last = csv[csv.length - 1].split(',');
    const column = (name: string) => last[header.indexOf(name)];
    assert.equal(column('produced_total'), '1800');
    assert.equal(column('validation_total'), '1800');
    assert.equal(column('lambda_batch_total'), '1740');
    assert.equal(column('lambda_speed_total'), '57');
    assert.equal(column('lambda_serving_total'), '1797');
    assert.equal(column('kappa_total'), '1800');
    assert.equal(column('cpu_percent:archlab-lambda-spark-worker-1'), '85.5');
    assert.equal(csv.length - 1, json.series.length, 'one CSV row per sample');

    const md = fs.readFileSync(report, 'utf8');
    assert.ok(md.includes("**Answer** (the generator's source truth at"), md);
    assert.ok(md.includes('1,800 items): apple 312, banana 298, orange 301, blueberries 156, snickers 205, mars 199, twix 187, milkyway 142.'), md);
    assert.ok(md.includes('| twix | 187 | 187 | 180 (\u22127) | 4 | 184 (\u22123) | 187 |'), md);
    assert.ok(md.includes('- Kappa: served exactly the source truth for every snack (1,800 items).'), md);
    assert.ok(md.includes('accuracy 99.83 %'), md);
    for (const chart of ['counts', 'freshness', 'throughput', 'cpu', 'memory']) {
      const file = path.join(exportDir, `comparison-${chart}.png`);
      assert.ok(md.includes(`(comparison-${chart}.png)`), `report shows the ${chart} chart`);
      const bytes = fs.readFileSync(file);
      assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${chart} is a PNG`);
      assert.ok(bytes.length > 2000, `${chart} PNG has content (${bytes.length} bytes)`);
    }
    await screenshot(page, 'comparison-exported');
    fs.cpSync(exportDir, path.join(screenshotsDir, '..', 'comparison-export'), { recursive: true }); // for review
  });

  it('comes back after a window reload (serializer) with its series, shows a read error, recovers with only Lambda running', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(exportDir, 'comparison.json'), 'utf8')) as ComparisonExport;
    const unreachable = 'Cassandra is not reachable at 127.0.0.1:9042: connect ECONNREFUSED (fixture)';
    fs.writeFileSync(fixtureFile, JSON.stringify([{ error: unreachable }]));
    await page.locator('.tab', { hasText: 'Archlab Comparison' }).click();
    frame = await comparisonFrame(page);
    await reloadWindow(page);
    // VS Code restores the panel through the serializer, without a command.
    await page.locator('.tab', { hasText: 'Archlab Comparison' }).waitFor({ timeout: 60_000 });
    frame = await comparisonFrame(page);
    const banner = frame.locator('#error');
    await banner.filter({ hasText: unreachable }).waitFor({ timeout: 30_000 });
    // The last figures and the series stay, the error is shown instead of thrown.
    assert.equal(await frame.locator('#answer tfoot tr.total td.truth').innerText(), '1,800');
    const samplesKept = async () => Number(/(\d+) samples kept/.exec(await frame.locator('#updated').innerText())?.[1]);
    assert.ok((await samplesKept()) >= before.series.length, `the series survived the reload (${await samplesKept()} >= ${before.series.length})`);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'comparison-restored-error');
    // Cassandra answers again; the Kappa stack has been stopped and its view is gone.
    const lambdaOnly = fixture()[5];
    delete lambdaOnly.views.kappa;
    lambdaOnly.stacks = { lambda: true, kappa: false };
    fs.writeFileSync(fixtureFile, JSON.stringify([lambdaOnly]));
    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
    const deadline = Date.now() + 20_000;
    while ((await samplesKept()) <= before.series.length && Date.now() < deadline) await page.waitForTimeout(500);
    assert.ok((await samplesKept()) > before.series.length, 'reads again once the views answer');
    await frame.locator('#stacks', { hasText: 'Kappa stopped' }).waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#stacks vscode-button', { hasText: 'Start Kappa' }).count(), 1);
    assert.equal(await cell(frame, 'kappa', 'twix').locator('.count').innerText(), '\u2014');
    assert.ok(await cell(frame, 'kappa', 'twix').evaluate((e) => e.classList.contains('missing') && e.textContent?.includes('no data')));
    assert.equal(await cell(frame, 'lambdaServing', 'twix').locator('.count').innerText(), '184');
    assert.match(await frame.locator('#answer thead th[data-pipeline="kappa"]').innerText(), /Kappa stopped/);
    await screenshot(page, 'comparison-restored');
  });
});
