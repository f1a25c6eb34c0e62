// Steps shared by `npm test` and `npm run open`: dependencies installed from the lock file, bundles built.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, run } from '../../test/services/lib.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm ci` when node_modules is missing or older than the lock file. */
export async function ensureNodeModules() {
  const lock = path.join(repoRoot, 'package-lock.json');
  const installed = path.join(repoRoot, 'node_modules', '.package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.error('[setup] installing npm dependencies (npm ci)');
  await run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot, quiet: false });
}

export async function npmRun(script) {
  await run(npm, ['run', '--silent', script], { cwd: repoRoot, quiet: false });
}
