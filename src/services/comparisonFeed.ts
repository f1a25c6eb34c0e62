// The comparison's feed: the small view tables of each running stack's Cassandra, each stack's source truth (the
// truth service), and the containers' CPU/memory. A refresh reads the same few rows at 10K or 1M events.
import type { ComparisonFeed, ComparisonSnapshot, Pipeline, ViewSnapshot } from '../core/comparison';
import { STACK_NAMES, STACKS, type StackName } from '../core/stacks';
import type { CassandraConnections, ClusterRef, KafkaConnections } from './connections';
import type { ContainersModel } from './containers';
import { LabViewsReader, type ViewReading } from './labViews';
import type { TruthService, TruthSnapshot } from './truth';

const toView = (reading: ViewReading | undefined): ViewSnapshot | undefined =>
  reading && {
    counts: reading.counts,
    invalid: reading.invalid,
    version: reading.version,
    updatedAt: reading.updatedAt ? Date.parse(reading.updatedAt) : undefined,
  };

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const same = (a: Record<string, number>, b: Record<string, number>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => (a[k] ?? 0) === (b[k] ?? 0));

export class LabComparisonFeed implements ComparisonFeed {
  constructor(
    private readonly cassandra: CassandraConnections,
    private readonly kafka: KafkaConnections,
    private readonly containers: ContainersModel,
    private readonly truth: TruthService,
    private readonly keyspace?: string,
  ) {}

  /** The Kafka cluster whose truth a Cassandra cluster's views are compared with. */
  private async kafkaFor(cluster: ClusterRef): Promise<ClusterRef | undefined> {
    if (cluster.stack) return this.kafka.ofStack(cluster.stack);
    return (await this.kafka.clusters())[0];
  }

  async snapshot(): Promise<ComparisonSnapshot> {
    const state = this.containers.current;
    const running = state.kind === 'ready' ? state.containers.filter((c) => c.state === 'running') : [];
    const views: Partial<Record<Pipeline, ViewSnapshot>> = {};
    const truths: { stack?: StackName; truth: TruthSnapshot }[] = [];
    for (const cluster of await this.cassandra.clusters()) {
      const [readings, truth] = await Promise.all([
        new LabViewsReader(this.cassandra.client(cluster), this.keyspace).readAll(),
        this.kafkaFor(cluster).then((kafka) => (kafka ? this.truth.truthOf(kafka, { settle: true }) : undefined)),
      ]);
      if (truth) truths.push({ stack: cluster.stack, truth });
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
    const first = truths[0]?.truth;
    const differ = truths.some((t) => !same(t.truth.expected, first?.expected ?? {}));
    return {
      at: Date.now(),
      truth: first?.expected,
      producedTotal: first ? sum(first.expected) : undefined,
      ...(differ ? { truthByStack: Object.fromEntries(truths.filter((t) => t.stack).map((t) => [t.stack, t.truth.expected])) } : {}),
      ...(first && (sum(first.outside) > 0 || first.outsideInvalid > 0) ? { outside: { valid: sum(first.outside), invalid: first.outsideInvalid } } : {}),
      views,
      stacks: Object.fromEntries(STACK_NAMES.map((name) => [name, running.some((c) => c.project === STACKS[name].composeProject)])) as Record<
        StackName,
        boolean
      >,
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
