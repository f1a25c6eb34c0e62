// Playwright: "Archlab: Start Kappa" in VS Code against the test bed's Docker engine, with a small test stack.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/scriptHelpers';
import { openArchlabSidebar, openWorkbench } from './session';
import { notification, runCommand, screenshot } from './workbench';

describe('Archlab UI: starting a stack and watching its containers (real Docker engine)', function () {
  this.timeout(240_000);
  let page: Page;
  let stop: () => Promise<void> = async () => undefined;

  before(async () => {
    const { DOCKER_HOST, DOCKER_CONFIG } = process.env;
    if (!DOCKER_HOST || !DOCKER_CONFIG)
      throw new Error("DOCKER_HOST/DOCKER_CONFIG are not set: run through `npm run test:ui`, which starts the test bed's Docker engine");
    const session = await openWorkbench({
      env: { DOCKER_HOST, DOCKER_CONFIG },
      settings: { 'archlab.stacks.composeFiles': { kappa: path.join(repoRoot, 'test', 'fixtures', 'stacks', 'mini', 'compose.yaml') } },
    });
    page = session.page;
    stop = session.close;
  });

  after(async () => {
    await runCommand(page, 'Archlab: Stop Kappa').catch(() => undefined);
    await page
      .locator('.sidebar')
      .getByText('No lab stack is running.')
      .waitFor({ timeout: 60_000 })
      .catch(() => undefined);
    await stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await screenshot(page, `containers-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  it('shows the welcome content while no stack runs', async () => {
    await openArchlabSidebar(page);
    await page.locator('.sidebar').getByText('No lab stack is running.').waitFor({ timeout: 30_000 });
    await screenshot(page, 'sidebar');
  });

  it('Start Kappa shows progress, then the stack grouped with health icons', async () => {
    await page.locator('.sidebar').getByRole('button', { name: 'Start Kappa' }).first().click();
    const progress = await notification(page, 'Starting Kappa');
    await screenshot(page, 'start-progress');
    assert.match(progress, /Starting Kappa/);
    const group = page.locator('.sidebar .monaco-list-row', { hasText: 'Kappa' }).first();
    await group.filter({ hasText: '2/2 healthy' }).waitFor({ timeout: 120_000 });
    const rows = page.locator('.sidebar .pane', { hasText: 'Containers' }).locator('.monaco-list-row');
    await rows.filter({ hasText: 'spark-master' }).locator('.codicon-pass-filled').waitFor({ timeout: 30_000 });
    const texts = await rows.allInnerTexts();
    for (const service of ['store', 'spark-master', 'init'])
      assert.ok(
        texts.some((t) => t.includes(service)),
        `${service} is listed: ${texts.join(' | ')}`,
      );
    assert.ok(
      texts.some((t) => /store.*healthy.*\d+→8080/s.test(t)),
      `store shows health and its port: ${texts.join(' | ')}`,
    );
    await notification(page, 'Kappa is up');
    await screenshot(page, 'containers');
  });
});
