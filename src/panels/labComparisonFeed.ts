// The comparison panel's real feed: the small view tables of each running stack's Cassandra, the generator's
// truth, and the containers' CPU/memory. A refresh reads the same few rows at 10K or 1M events.
import type { GeneratorService } from '../commands/generatorCommands';
import type { ComparisonFeed, ComparisonSnapshot, Pipeline, ViewSnapshot } from '../core/comparison';
import type { ContainersModel } from '../models/containersModel';
import { LabViewsReader, writeTruth, type ViewReading } from '../models/labViews';
import type { ClusterRef } from '../models/stackEndpoints';
import type { CassandraSource } from '../views/cassandra/cassandraSource';

const toView = (reading: ViewReading | undefined): ViewSnapshot | undefined =>
  reading && {
    counts: reading.counts,
    invalid: reading.invalid,
    version: reading.version,
    updatedAt: reading.updatedAt ? Date.parse(reading.updatedAt) : undefined,
  };

export class LabComparisonFeed implements ComparisonFeed {
  constructor(
    private readonly cassandra: CassandraSource,
    private readonly containers: ContainersModel,
    private readonly generator: GeneratorService,
  ) {}

  async snapshot(): Promise<ComparisonSnapshot> {
    const state = this.containers.current;
    const running = state.kind === 'ready' ? state.containers.filter((c) => c.state === 'running') : [];
    const views: Partial<Record<Pipeline, ViewSnapshot>> = {};
    let storedTruth: Record<string, number> | undefined;
    for (const cluster of await this.cassandra.clusters()) {
      const readings = await new LabViewsReader(this.cassandra.client(cluster)).readAll();
      storedTruth ??= readings.truth?.counts;
      // A stack's Cassandra holds its own architecture's views; a configured cluster may hold both.
      if (cluster.stack !== 'kappa') {
        views.lambdaBatch = toView(readings.batch);
        views.lambdaSpeed = toView(readings.speed);
        views.lambdaServing = toView(readings.serving);
      }
      if (cluster.stack !== 'lambda') views.kappa = toView(readings.kappa);
      views.validation ??= toView(readings.validation);
    }
    for (const key of Object.keys(views) as Pipeline[]) if (!views[key]) delete views[key];
    const runs = this.generator.statuses();
    const truth = runs[0]?.status.truth ?? storedTruth;
    return {
      at: Date.now(),
      truth,
      producedTotal: runs[0]?.status.acked,
      views,
      stacks: { lambda: running.some((c) => c.project === 'archlab-lambda'), kappa: running.some((c) => c.project === 'archlab-kappa') },
      containers:
        state.kind === 'ready'
          ? running.flatMap((c) => {
              const stats = state.stats.get(c.id);
              return stats ? [{ name: c.name, cpuPercent: stats.cpuPercent, memoryBytes: stats.memoryBytes }] : [];
            })
          : undefined,
    };
  }
}

/** The generator's truth, written to the Cassandra of the stack it produced to (or the configured one). */
export async function publishTruth(cassandra: CassandraSource, kafkaCluster: ClusterRef, truth: Record<string, number>): Promise<void> {
  const targets = (await cassandra.clusters()).filter((c) => kafkaCluster.stack === undefined || c.stack === kafkaCluster.stack);
  for (const target of targets) await writeTruth(cassandra.client(target), truth);
}
