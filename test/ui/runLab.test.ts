// Playwright: "Archlab: Run the Lab…" in code-server, as a user runs it: both stacks with their jobs on the test
// bed's Docker engine (the lab's own compose files, stand-in images for the official ones: no registry is reachable
// here; Grafana has no stand-in, so archlab.stacks.grafana is off), the generator, the comparison. Then a batch cycle,
// a window reload (the truth survives it), and a message produced by hand (shown as produced outside the generator).
// Screenshots of the Pipelines view and of the comparison go to test-results/screenshots (the README uses them).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from '../support/scriptHelpers';
import { STACKS } from '../../src/core/stacks';
import { docker, dockerBed, ensureStandinImages, seedIvyVolume } from '../stacks/standins';
import { openArchlabSidebar, openWorkbench } from './session';
import { comparisonFrame, notification, reloadWindow, runOfferedCommand, screenshot } from './workbench';

const SNACKS = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'];
const count = (text: string) => Number(text.replace(/[^\d]/g, ''));

describe('Archlab UI: Run the Lab… (both stacks on the real Docker engine, stand-in images)', function () {
  this.timeout(60 * 60_000);
  let page: Page;
  let stop: () => Promise<void> = async () => undefined;

  /** Picks by typing: a click on a row failed once while the list re-rendered under the pointer ("not visible"). */
  const quickPick = async (label: string) => {
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: 60_000 });
    await page.locator('.quick-input-widget input').fill(label);
    await row.waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
  };
  const input = async (value: string) => {
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ state: 'visible', timeout: 60_000 });
    await box.fill(value);
    await page.keyboard.press('Enter');
  };

  /** The counts of a snack's row as the table shows them, per column. */
  async function row(frame: Frame, snack: string): Promise<Record<string, number>> {
    const cell = (pipeline: string) => frame.locator(`#answer td[data-pipeline="${pipeline}"][data-snack="${snack}"] .count`).innerText();
    return {
      truth: count(await frame.locator(`#answer tbody tr:has(th:text-is("${snack}")) td.truth`).innerText()),
      validation: count(await cell('validation')),
      batch: count(await cell('lambdaBatch')),
      speed: count(await cell('lambdaSpeed')),
      serving: count(await cell('lambdaServing')),
      kappa: count(await cell('kappa')),
      // Kappa's cells are compared with the truth of kappa's own topic (the panel marks them): data-difference.
      kappaDifference: Number((await frame.locator(`#answer td[data-pipeline="kappa"][data-snack="${snack}"]`).getAttribute('data-difference')) ?? Number.NaN),
    };
  }

  /** Waits until every column equals the truth for every snack (and batch + speed = serving). */
  async function everyColumnExact(frame: Frame, timeoutMs: number): Promise<Record<string, Record<string, number>>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, Record<string, number>> = {};
    for (;;) {
      last = {};
      for (const snack of SNACKS) last[snack] = await row(frame, snack).catch(() => ({}) as Record<string, number>);
      const exact = SNACKS.every((s) => {
        const r = last[s];
        return r.truth > 0 && r.validation === r.truth && r.serving === r.truth && r.kappa > 0 && r.kappaDifference === 0 && r.batch + r.speed === r.serving;
      });
      if (exact) return last;
      if (Date.now() > deadline) throw new Error(`the comparison never showed every column equal to the truth: ${JSON.stringify(last)}`);
      await page.waitForTimeout(1000);
    }
  }

  before(async function () {
    this.timeout(30 * 60_000);
    const { DOCKER_HOST, DOCKER_CONFIG } = process.env;
    if (!DOCKER_HOST || !DOCKER_CONFIG)
      throw new Error("DOCKER_HOST/DOCKER_CONFIG are not set: run through `npm run test:ui`, which starts the test bed's Docker engine");
    const bed = dockerBed();
    await ensureStandinImages(bed, path.join(repoRoot, '.testbed', 'stacks'));
    // A first run, as a new user has it: no containers or data of either stack left by earlier suites.
    for (const stack of ['lambda', 'kappa'] as const) {
      const label = `label=com.docker.compose.project=${STACKS[stack].composeProject}`;
      const ids = (await docker(bed, ['ps', '--all', '--quiet', '--filter', label])).stdout.split('\n').filter(Boolean);
      if (ids.length) await docker(bed, ['rm', '--force', '--volumes', ...ids]);
      const volumes = (await docker(bed, ['volume', 'ls', '--quiet', '--filter', label])).stdout.split('\n').filter(Boolean);
      if (volumes.length) await docker(bed, ['volume', 'rm', ...volumes]);
    }
    await seedIvyVolume(bed, 'lambda');
    await seedIvyVolume(bed, 'kappa');
    const session = await openWorkbench({ env: { DOCKER_HOST, DOCKER_CONFIG }, settings: { 'archlab.stacks.grafana': false } });
    page = session.page;
    stop = session.close;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `runlab-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async function () {
    this.timeout(10 * 60_000);
    for (const command of ['Archlab: Stop Data Generator', 'Archlab: Stop Lambda', 'Archlab: Stop Kappa']) {
      await runOfferedCommand(page, command).catch(() => undefined);
      await notification(page, /stopped|not running/, 300_000).catch(() => undefined);
    }
    await stop();
  });

  it('runs both stacks, their jobs and the generator from one command, naming each phase, and opens the comparison', async () => {
    const started = Date.now();
    await runOfferedCommand(page, 'Archlab: Run the Lab…');
    await quickPick('Both');
    await input('400');
    const progress = await notification(page, 'Running the lab', 60_000);
    assert.match(progress, /Running the lab \(Lambda and Kappa\)/);
    await notification(page, 'the lab runs', 30 * 60_000);
    const frame = await comparisonFrame(page);
    console.log(`      Run the Lab: everything up and the generator sending after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await openArchlabSidebar(page);
    const pipelines = page.locator('.sidebar .pane', { hasText: 'Pipelines' });
    for (const job of ['Validation', 'HDFS ingest', 'Speed layer', 'Batch layer', 'Kappa stream']) {
      await pipelines.locator('.monaco-list-row', { hasText: job }).filter({ hasText: 'running' }).first().waitFor({ timeout: 300_000 });
    }
    await screenshot(page, 'pipelines');
    // The answer, as it comes: stop the generator, run a batch cycle, wait for every column to equal the truth.
    await runOfferedCommand(page, 'Archlab: Stop Data Generator');
    await notification(page, 'data generator stopped', 120_000);
    await runOfferedCommand(page, 'Archlab: Run Batch Cycle Now');
    // Published now, or already by a scheduled cycle (then this one finds nothing new below the cut-off).
    await notification(page, /published version|nothing new below the cut-off/, 600_000);
    await page.locator('.tab', { hasText: 'Archlab Comparison' }).click();
    const shown = await everyColumnExact(await comparisonFrame(page), 300_000);
    console.log(
      `      first exact answer in every column ${((Date.now() - started) / 1000).toFixed(0)} s after Run the Lab (${SNACKS.reduce((n, s) => n + shown[s].truth, 0)} events)`,
    );
    await frame.evaluate(() => window.scrollTo(0, 0)).catch(() => undefined);
    await screenshot(page, 'comparison-exact');
  });

  it('after a window reload the truth is restored, not reset: it still equals validation and every view', async () => {
    await reloadWindow(page);
    await page.locator('.tab', { hasText: 'Archlab Comparison' }).waitFor({ timeout: 120_000 });
    const frame = await comparisonFrame(page);
    const shown = await everyColumnExact(frame, 300_000);
    assert.ok(SNACKS.every((s) => shown[s].truth > 0));
  });

  it('a message produced by hand is shown as produced outside the generator, and counted in the truth', async () => {
    const frame = await comparisonFrame(page);
    const before = await row(frame, 'twix');
    await runOfferedCommand(page, 'Archlab: Produce Message');
    await quickPick('Lambda');
    await quickPick('snack_automat_message');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ state: 'visible' });
    assert.match(await box.inputValue(), /"event_id":"manual-/, 'the default value is a valid lab event');
    await page.keyboard.press('Enter');
    await notification(page, 'produced to snack_automat_message');
    await frame.locator('#outside', { hasText: '1 message produced outside the generator' }).waitFor({ timeout: 120_000 });
    const deadline = Date.now() + 120_000;
    while ((await row(frame, 'twix')).truth !== before.truth + 1 && Date.now() < deadline) await page.waitForTimeout(1000);
    const after = await row(frame, 'twix');
    assert.equal(after.truth, before.truth + 1, 'the truth counts the manual twix');
    await screenshot(page, 'comparison-outside');
  });
});
