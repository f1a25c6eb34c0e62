// Debian's Chromium driven by playwright-core (never a downloaded browser build: there is no internet here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandExists, ensureDebianPackages } from '../../test/services/lib.mjs';

export const CHROMIUM = process.env.ARCHLAB_CHROMIUM ?? '/usr/bin/chromium';

export async function ensureChromium() {
  if (!fs.existsSync(CHROMIUM) && !commandExists('chromium')) await ensureDebianPackages(['chromium'], 'chromium');
}

/** Launches headless Chromium with a throw-away profile; close() removes the profile. */
export async function launchChromium() {
  await ensureChromium();
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}
