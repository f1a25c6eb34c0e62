// One VS Code (code-server) session in Chromium, with Archlab installed from its .vsix like a user would.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { chromium, codeServer, repoRoot, services } from '../support/scriptHelpers';
import { waitForWorkbench } from './workbench';

export interface WorkbenchSession {
  page: Page;
  close(): Promise<void>;
}

/** The test-only helper extension that feeds the comparison panel from a fixture file (test/fixtures/extensions). */
const FIXTURE_FEED_EXTENSION = path.join(repoRoot, 'test', 'fixtures', 'extensions', 'comparison-fixture');

/** The helper extension packaged once per run (installed like any extension: VS Code ignores unlisted folders). */
function fixtureFeedVsix(): string {
  const vsix = path.join(repoRoot, 'test-results', 'comparison-fixture.vsix');
  if (!fs.existsSync(vsix)) {
    fs.mkdirSync(path.dirname(vsix), { recursive: true });
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--allow-missing-repository', '--no-dependencies', '--out', vsix],
      {
        cwd: FIXTURE_FEED_EXTENSION,
        stdio: 'pipe',
      },
    );
  }
  return vsix;
}

export interface WorkbenchOptions {
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** FIXTURE DATA: the comparison panel reads snapshots from this JSON file instead of the lab's views. */
  comparisonFixture?: string;
}

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<WorkbenchSession> {
  const vsix = path.join(repoRoot, 'dist', 'archlab.vsix');
  assert.ok(fs.existsSync(vsix), 'dist/archlab.vsix was built (npm run package)');
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-ui-'));
  const extensionsDir = path.join(stateDir, 'extensions');
  const installed = await codeServer().installExtension(vsix, { extensionsDir, stateDir });
  assert.match(installed, /archlab\.vsix' was successfully installed/);
  assert.ok(
    fs.readdirSync(extensionsDir).some((dir) => dir.startsWith('archlab.archlab-')),
    'unpacked into the extensions folder',
  );
  const env = { ...options.env };
  if (options.comparisonFixture) {
    const helper = await codeServer().installExtension(fixtureFeedVsix(), { extensionsDir, stateDir });
    assert.match(helper, /was successfully installed/);
    env.ARCHLAB_COMPARISON_FIXTURE = options.comparisonFixture;
  }
  if (options.settings) {
    const userDir = path.join(stateDir, 'user-data', 'User');
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(
      path.join(userDir, 'settings.json'),
      JSON.stringify({
        'window.autoDetectHighContrast': false,
        'workbench.startupEditor': 'none',
        'git.openRepositoryInParentFolders': 'never',
        ...options.settings,
      }),
    );
  }
  const port = await services().freePort();
  const server = await codeServer().startCodeServer({ port, stateDir, extensionsDir, env });
  const browser = await chromium().launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(path.join(repoRoot, 'test', 'fixtures', 'workspace'))}`);
  await waitForWorkbench(page);
  return {
    page,
    close: async () => {
      await browser.close();
      await services().stopGroup(server.pid, { graceMs: 5000 });
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function openArchlabSidebar(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label^="Archlab"]').click();
  await page.locator('.sidebar .pane-header', { hasText: 'Containers' }).waitFor();
}
