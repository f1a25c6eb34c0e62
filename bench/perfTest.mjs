// Kafka's own producer benchmark (kafka-producer-perf-test = org.apache.kafka.tools.ProducerPerformance), run from the
// test bed's artifacts against the same broker.
import { run } from '../test/services/lib.mjs';

/** Runs ProducerPerformance; returns its final summary line, parsed. */
export async function runPerfTest(kafkaInfo, { topic, records, recordSize, compression = 'none' }) {
  const [command, ...prefix] = kafkaInfo.perfTest;
  const args = [
    ...prefix,
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--bootstrap-server',
    kafkaInfo.bootstrap,
    '--command-property',
    'acks=all',
    '--command-property',
    `compression.type=${compression}`,
  ];
  const started = Date.now();
  const { stdout } = await run(command, args);
  const wallMs = Date.now() - started;
  const summary = [
    ...stdout.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency/gm),
  ].at(-1);
  if (!summary) throw new Error(`no summary line in ProducerPerformance output:\n${stdout.slice(-2000)}`);
  return {
    records: Number(summary[1]),
    recordsPerSec: Number(summary[2]),
    mbPerSec: Number(summary[3]),
    avgLatencyMs: Number(summary[4]),
    maxLatencyMs: Number(summary[5]),
    wallMs,
  };
}
