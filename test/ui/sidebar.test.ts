// Playwright drives the real VS Code (code-server) in Debian Chromium, with Archlab installed from its .vsix
// and no Docker engine reachable.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openArchlabSidebar, openWorkbench } from './session';
import { closePalette, notification, paletteEntries, runOfferedCommand, screenshot, waitForCommand } from './workbench';

describe('Archlab UI in VS Code (code-server + Chromium), Docker absent', function () {
  this.timeout(180_000);
  let page: Page;
  let stop: () => Promise<void> = async () => undefined;

  before(async () => {
    const session = await openWorkbench({ env: { DOCKER_HOST: `unix://${path.join(os.tmpdir(), `archlab-no-docker-${process.pid}.sock`)}` } });
    page = session.page;
    stop = session.close;
  });

  after(async () => stop());

  it('offers the Archlab commands in the command palette', async () => {
    await waitForCommand(page, 'Archlab: Start Lambda');
    const entries = await paletteEntries(page, 'Archlab');
    await screenshot(page, 'palette');
    assert.ok(entries.length >= 10 && entries.every((e) => e.includes('Archlab')), `Archlab entries: ${entries.join(' | ')}`);
    for (const title of [
      'Archlab: Start Lambda',
      'Archlab: Start Kappa',
      'Archlab: Stop Lambda',
      'Archlab: Stop Kappa',
      'Archlab: Open Comparison',
      'Archlab: Start Data Generator',
      'Archlab: Stop Data Generator',
      'Archlab: Show Logs',
    ]) {
      const offered = await paletteEntries(page, title);
      assert.ok(offered.includes(title), `${title} is offered; got ${offered.join(' | ')}`);
    }
    await closePalette(page);
  });

  it('shows the Archlab sidebar with its four views: an actionable Docker item, and welcome content', async () => {
    await openArchlabSidebar(page);
    const sidebar = page.locator('.sidebar');
    const headers = await sidebar.locator('.pane-header .title').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.trim().toUpperCase()),
      ['CONTAINERS', 'PIPELINES', 'TOPICS', 'CASSANDRA'],
    );
    const unreachable = sidebar.locator('.monaco-list-row', { hasText: 'Docker is not reachable' });
    await unreachable.waitFor();
    assert.match(await unreachable.innerText(), /no Docker socket there/);
    await sidebar.getByText('No lab stack is running, so no pipeline job either.').waitFor();
    assert.ok(await sidebar.getByRole('button', { name: 'Run the Lab…' }).first().isVisible(), 'the Pipelines view offers Run the Lab');
    await sidebar.getByText('No Kafka cluster connected.').waitFor();
    assert.ok(await sidebar.getByRole('button', { name: 'Start Kappa' }).first().isVisible());
    await sidebar.getByText('No Cassandra cluster connected.').waitFor();
    await screenshot(page, 'sidebar-no-docker');
  });

  it('Start Lambda without Docker shows an actionable message, not an error dump', async () => {
    await runOfferedCommand(page, 'Archlab: Start Lambda');
    const text = await notification(page, 'Docker is not reachable');
    await screenshot(page, 'docker-absent');
    assert.match(text, /Docker is not reachable at unix:\/\/.*archlab-no-docker-\d+\.sock \(from DOCKER_HOST\)/);
    assert.match(text, /Is Docker installed and running\?/);
    assert.match(text, /Configure Docker Host/);
    assert.match(text, /Open Logs/);
    assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)|\.js:\d+|Error:/, 'no stack trace or raw error');
  });
});
