// Typed access to the plain-JS helpers in scripts/lib and test/services (shared with the shell-facing scripts).
// Node >= 20.19 can require() these ES modules; the TypeScript tests are compiled to CommonJS.
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface CodeServerHelpers {
  installExtension(vsix: string, options: { extensionsDir: string; stateDir: string }): Promise<string>;
  startCodeServer(options: {
    port: number;
    stateDir: string;
    extensionsDir?: string;
    env?: Record<string, string>;
  }): Promise<{ pid: number; url: string; port: number }>;
}

export interface ChromiumHelpers {
  launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }>;
}

export interface ServiceHelpers {
  freePort(): Promise<number>;
  stopGroup(pid: number, options?: { graceMs?: number }): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = <T>(relative: string): T => require(path.join(repoRoot, relative)) as T;

export const codeServer = () => load<CodeServerHelpers>('scripts/lib/code-server.mjs');
export const chromium = () => load<ChromiumHelpers>('scripts/lib/chromium.mjs');
export const services = () => load<ServiceHelpers>('test/services/lib.mjs');
