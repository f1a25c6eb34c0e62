// Endpoints of the real services started by test/services/bed.mjs, read from .testbed/state.json.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ServiceInfo {
  pids: number[];
  version: string;
  /** Anything else a service wants to expose to tests. */
  extra?: Record<string, unknown>;
}

export interface TestbedState {
  kafka?: ServiceInfo & {
    bootstrap: string;
    /** Java command line that runs kafka-producer-perf-test from the same artifacts: [command, ...args]. */
    perfTest: string[];
  };
  cassandra?: ServiceInfo & { contactPoint: string; localDataCenter: string };
  hdfs?: ServiceInfo & { url: string };
  spark?: ServiceInfo & { python: string; ivyDir: string; packages: string[] };
  docker?: ServiceInfo & { host: string; dockerConfig: string; baseImage: string };
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function testbedStateFile(): string {
  const bedDir = process.env.ARCHLAB_TESTBED_DIR ?? path.join(repoRoot, '.testbed');
  return path.join(bedDir, 'state.json');
}

export function readTestbed(): TestbedState {
  const file = testbedStateFile();
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as TestbedState) : {};
}

/** The running service, or a clear failure telling how to start it. */
export function requireService<K extends keyof TestbedState>(name: K): NonNullable<TestbedState[K]> {
  const info = readTestbed()[name];
  if (!info) {
    throw new Error(`test service "${name}" is not running: start it with \`node test/services/bed.mjs start ${name}\` (the test scripts do this)`);
  }
  return info as NonNullable<TestbedState[K]>;
}
