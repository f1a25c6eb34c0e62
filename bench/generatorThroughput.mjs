// The data generator at full speed, as the extension runs it: GeneratorController in this (host) process, producing in
// its worker thread. Measures events/s and this process's event-loop delay while the worker produces.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** Average bytes of one generated record (JSON value + key), over `sample` events of the given seed. */
export function averageRecordSize(core, { seed = 1, sample = 100_000 } = {}) {
  const generator = new core.EventGenerator({ seed, runId: core.defaultRunId(seed, Date.now()) });
  let value = 0;
  let key = 0;
  for (let i = 0; i < sample; i++) {
    const event = generator.nextSerialized();
    value += Buffer.byteLength(event.json);
    key += Buffer.byteLength(event.key);
  }
  return { value: value / sample, key: key / sample, total: (value + key) / sample };
}

/**
 * monitorEventLoopDelay samples with a timer every RESOLUTION_MS and records the time between samples; the event-loop
 * lag is what exceeds the timer's interval.
 */
const RESOLUTION_MS = 5;
const excess = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

/** This process's event-loop lag with nothing running, for comparison (the machine's own scheduling noise). */
export async function baselineLag(ms = 3000) {
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  lag.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  lag.disable();
  return { p50: excess(lag.percentile(50)), p99: excess(lag.percentile(99)), max: excess(lag.max) };
}

export async function runGenerator(bundles, { bootstrap, topic, records, compression = 'none', seed = 1, isolation = 'thread', kafkaClient = 'kafkajs' }) {
  const controller = new bundles.controller.GeneratorController({ workerPath: bundles.workerPath, isolation });
  // What the status bar would do with every update.
  let statusText = '';
  const subscription = controller.onStatus((s) => {
    statusText = `$(pulse) ${Math.round(s.measuredRate).toLocaleString('en-US')} events/s`;
  });
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  try {
    await controller.start({ brokers: [bootstrap], topic, eventsPerSecond: 0, seed, maxEvents: records, compression, kafkaClient });
    const started = performance.now();
    lag.enable();
    const elu0 = performance.eventLoopUtilization();
    await new Promise((resolve, reject) => {
      const poll = setInterval(() => {
        const s = controller.status();
        if (s.state === 'done') {
          clearInterval(poll);
          resolve();
        }
        if (s.state === 'paused' || s.state === 'failed') {
          clearInterval(poll);
          reject(new Error(`generator ${s.state}: ${s.lastError?.message}`));
        }
      }, 20);
    });
    const elapsedMs = performance.now() - started;
    lag.disable();
    const elu = performance.eventLoopUtilization(elu0);
    const final = await controller.stop();
    if (final.acked !== records || final.inDoubt !== 0) throw new Error(`generator acked ${final.acked}/${records}, ${final.inDoubt} in doubt`);
    return {
      events: final.acked,
      eventsPerSec: (final.acked * 1000) / elapsedMs,
      elapsedMs,
      /** Share of the time this (host) thread was busy: its own work for the generator, whatever the machine does. */
      hostUtilization: elu.utilization,
      lagMs: { p50: excess(lag.percentile(50)), p99: excess(lag.percentile(99)), max: excess(lag.max) },
      statusText,
    };
  } finally {
    subscription.dispose();
    await controller.dispose();
  }
}
