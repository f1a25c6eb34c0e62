// @vscode/test-cli configuration for the extension-host tests.
// With ARCHLAB_VSCODE_SHIM set (scripts/test.mjs sets it), the tests run in code-server + Chromium through
// test/vscode/shim/code; without it, test-cli downloads desktop VS Code as usual.
import { defineConfig } from '@vscode/test-cli';
import path from 'node:path';

const shim = process.env.ARCHLAB_VSCODE_SHIM;

export default defineConfig({
  label: 'extension-host',
  files: 'out/test/vscode/**/*.test.js',
  version: '1.100.3',
  ...(shim ? { useInstallation: { fromPath: shim } } : {}),
  workspaceFolder: './test/fixtures/workspace',
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 60_000, reporter: path.resolve('test/support/summary-reporter.cjs') },
});
