// The Topics view's first level on a cluster with many topics: listTopics on the real broker, through our client.
import { Kafka, logLevel } from 'kafkajs';

async function inChunks(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchTopicListing(bundles, { bootstrap, count = 2000, prefix }) {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const kafka = new Kafka({ clientId: 'archlab-bench', brokers: [bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 60_000 });
  const admin = kafka.admin();
  await admin.connect();
  const result = {};
  try {
    let started = performance.now();
    await inChunks(names, 250, (chunk) =>
      admin.createTopics({ waitForLeaders: false, timeout: 60_000, topics: chunk.map((topic) => ({ topic, numPartitions: 1 })) }),
    );
    for (;;) {
      const listed = new Set(await admin.listTopics());
      if (names.every((n) => listed.has(n))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    result.createMs = performance.now() - started;

    const client = bundles.kafka.createKafkaAdmin({ brokers: [bootstrap], clientId: 'archlab-bench-view' });
    try {
      started = performance.now();
      const first = await client.listTopics();
      result.firstListMs = performance.now() - started;
      result.listed = first.length;
      const warm = [];
      for (let i = 0; i < 5; i++) {
        started = performance.now();
        await client.listTopics();
        warm.push(performance.now() - started);
      }
      result.warmListMs = median(warm);
      started = performance.now();
      const ends = await client.endOffsets(names);
      result.endOffsetsMs = performance.now() - started;
      result.endOffsetsTopics = ends.size;
      started = performance.now();
      await client.endOffsets(names);
      result.endOffsetsWarmMs = performance.now() - started;
    } finally {
      await client.close();
    }
  } finally {
    const started = performance.now();
    await inChunks(names, 250, (chunk) => admin.deleteTopics({ topics: chunk, timeout: 60_000 }).catch(() => {}));
    result.deleteMs = performance.now() - started;
    await admin.disconnect();
  }
  return result;
}
