#!/usr/bin/env node
// The test bed: starts real Kafka, Cassandra, HDFS, Spark (venv) and a Docker engine once per test run,
// records their endpoints in .testbed/state.json, and stops them by PID.
//   node test/services/bed.mjs start [service ...]   (default: all)
//   node test/services/bed.mjs stop [service ...]
//   node test/services/bed.mjs status
// Tests read the endpoints with test/support/testbed (TypeScript), test/python/testbed.py, or readState().
import { log, readState, writeState, stateFile } from './lib.mjs';

const ALL = ['kafka', 'cassandra', 'hdfs', 'spark', 'docker'];

async function load(name) {
  if (!ALL.includes(name)) throw new Error(`unknown test service "${name}" (known: ${ALL.join(', ')})`);
  return import(`./${name}.mjs`);
}

export async function startServices(names = ALL) {
  for (const name of names) {
    const state = readState();
    if (state[name]) {
      log(name, 'already running');
      continue;
    }
    const service = await load(name);
    const started = Date.now();
    await service.install();
    const installed = Date.now();
    const info = await service.start();
    info.installMs = installed - started;
    info.startMs = Date.now() - installed;
    writeState({ ...readState(), [name]: info });
    log(name, `ready in ${((Date.now() - started) / 1000).toFixed(1)} s (install ${(info.installMs / 1000).toFixed(1)} s)`);
  }
  return readState();
}

export async function stopServices(names) {
  for (const name of (names ?? Object.keys(readState())).reverse()) {
    const info = readState()[name];
    if (!info) continue;
    const service = await load(name);
    try {
      await service.stop(info);
    } catch (error) {
      log(name, `stop failed: ${error.message}`);
    }
    // Re-read: a service may have updated the state (e.g. a restarted broker's pid) while stopping.
    const state = readState();
    delete state[name];
    writeState(state);
    log(name, 'stopped');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command = 'status', ...names] = process.argv.slice(2);
  const run = {
    start: () => startServices(names.length ? names : ALL),
    stop: () => stopServices(names.length ? names : undefined),
    status: async () => readState(),
  };
  if (!run[command]) {
    console.error('usage: bed.mjs start|stop|status [service ...]');
    process.exit(2);
  }
  run[command]()
    .then((state) => {
      if (command !== 'stop') console.log(JSON.stringify(state ?? {}, null, 2));
      else console.log(`stopped; state in ${stateFile}`);
    })
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
