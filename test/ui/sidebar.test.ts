// Playwright drives the real VS Code (code-server) in Debian Chromium, with Archlab installed from its .vsix
// and no Docker engine reachable.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { chromium, codeServer, repoRoot as root, services } from '../support/scriptHelpers';
import { closePalette, notification, paletteEntries, runCommand, screenshot, waitForWorkbench } from './workbench';

describe('Archlab UI in VS Code (code-server + Chromium), Docker absent', function () {
  this.timeout(180_000);
  let page: Page;
  let stop: () => Promise<void> = async () => undefined;

  before(async () => {
    const vsix = path.join(root, 'dist', 'archlab.vsix');
    assert.ok(fs.existsSync(vsix), 'dist/archlab.vsix was built (npm run package)');
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-ui-'));
    const extensionsDir = path.join(stateDir, 'extensions');
    const installed = await codeServer().installExtension(vsix, { extensionsDir, stateDir });
    assert.match(installed, /archlab\.vsix' was successfully installed/);
    assert.ok(fs.readdirSync(extensionsDir).some((dir) => dir.startsWith('archlab.archlab-')), 'unpacked into the extensions folder');
    const port = await services().freePort();
    const server = await codeServer().startCodeServer({
      port, stateDir, extensionsDir,
      env: { DOCKER_HOST: `unix://${path.join(stateDir, 'no-docker-here.sock')}` },
    });
    const browser = await chromium().launchChromium();
    stop = async () => {
      await browser.close();
      await services().stopGroup(server.pid, { graceMs: 5000 });
      fs.rmSync(stateDir, { recursive: true, force: true });
    };
    page = await browser.context.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(path.join(root, 'test', 'fixtures', 'workspace'))}`);
    await waitForWorkbench(page);
  });

  after(async () => stop());

  it('offers the Archlab commands in the command palette', async () => {
    const entries = await paletteEntries(page, 'Archlab');
    await screenshot(page, 'palette');
    await closePalette(page);
    for (const title of ['Archlab: Start Lambda', 'Archlab: Start Kappa', 'Archlab: Open Comparison', 'Archlab: Show Logs']) {
      assert.ok(entries.includes(title), `${title} is offered; got ${entries.join(' | ')}`);
    }
  });

  it('shows the Archlab sidebar with its three views and their welcome content', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="Archlab"]').click();
    const sidebar = page.locator('.sidebar');
    await sidebar.locator('.pane-header', { hasText: 'Containers' }).waitFor();
    const headers = await sidebar.locator('.pane-header .title').allInnerTexts();
    assert.deepEqual(headers.map((h) => h.trim().toUpperCase()), ['CONTAINERS', 'TOPICS', 'CASSANDRA']);
    await sidebar.getByText('No lab stack is running.').waitFor();
    assert.ok(await sidebar.getByRole('button', { name: 'Start Lambda' }).first().isVisible());
    assert.ok(await sidebar.getByRole('button', { name: 'Start Kappa' }).first().isVisible());
    await sidebar.getByText('No Kafka cluster connected.').waitFor();
    await sidebar.getByText('No Cassandra cluster connected.').waitFor();
    await screenshot(page, 'sidebar');
  });

  it('Start Lambda without Docker shows an actionable message, not an error dump', async () => {
    await page.locator('.sidebar').getByRole('button', { name: 'Start Lambda' }).first().click();
    const text = await notification(page, 'Docker is not reachable');
    await screenshot(page, 'docker-absent');
    assert.match(text, /Docker is not reachable at unix:\/\/.*no-docker-here\.sock \(from DOCKER_HOST\)/);
    assert.match(text, /Is Docker installed and running\?/);
    assert.match(text, /Configure Docker Host/);
    assert.match(text, /Open Logs/);
    assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)|\.js:\d+|Error:/, 'no stack trace or raw error');
  });

  it('a command that is not built yet says so plainly', async () => {
    await runCommand(page, 'Archlab: Open Comparison');
    const text = await notification(page, 'not built yet');
    assert.match(text, /comparison panel is not built yet .* Nothing was changed\./);
  });
});
