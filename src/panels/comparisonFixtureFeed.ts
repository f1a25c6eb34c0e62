// TEST-ONLY: a comparison feed that replays snapshots from a JSON file, used when the environment variable
// ARCHLAB_COMPARISON_FIXTURE names one (the UI test sets it for code-server). Never set in normal use.
import * as fs from 'node:fs';
import type { ComparisonFeed, ComparisonSnapshot } from '../core/comparison';

/** One entry of the fixture: a snapshot (its `at` is replaced by the time of the read), or an error to throw. */
export type FixtureEntry = Omit<ComparisonSnapshot, 'at'> | { error: string };

/**
 * The file holds an array of entries (or `{ "snapshots": [...] }`). Read n returns entry n, then the last one
 * again and again, so a short list plays like a generator that ran and stopped. The file is read on every call.
 */
export function fixtureFeedFromEnvironment(env: NodeJS.ProcessEnv): ComparisonFeed | undefined {
  const file = env.ARCHLAB_COMPARISON_FIXTURE;
  if (!file) return undefined;
  let reads = 0;
  return {
    async snapshot(): Promise<ComparisonSnapshot> {
      const parsed = JSON.parse(await fs.promises.readFile(file, 'utf8')) as FixtureEntry[] | { snapshots: FixtureEntry[] };
      const entries = Array.isArray(parsed) ? parsed : parsed.snapshots;
      if (!Array.isArray(entries) || entries.length === 0) throw new Error(`the comparison fixture ${file} has no snapshots`);
      const entry = entries[Math.min(reads++, entries.length - 1)];
      if ('error' in entry) throw new Error(entry.error);
      return { ...entry, at: Date.now() };
    },
  };
}
