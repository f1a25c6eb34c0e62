// Where Kafka and Cassandra are (the configured servers, or else each running lab stack's host port) and one client
// per cluster, made on first use: what the views, commands, panels and the CLI share. The client libraries load
// on first use (src/clients/bundles.ts), so building these costs nothing at activation.
import { cassandraBundle, kafkaBundle } from '../clients/bundles';
import type { ContainerSummary } from '../clients/docker/types';
import type { CassandraClient } from '../clients/cassandra/types';
import type { KafkaClientRegistry } from '../clients/kafka/registry';
import type { KafkaAdminClient } from '../clients/kafka/types';
import { STACKS, type StackName } from '../core/stacks';
import type { ContainersModel } from './containers';

export type LabService = 'kafka' | 'cassandra';

export interface ClusterRef {
  /** Stable id: the servers. */
  id: string;
  label: string;
  servers: string[];
  /** The lab stack it belongs to, when it is one. */
  stack?: StackName;
}

/** Where the host reaches each stack's Kafka and Cassandra (the catalog's endpoints, on 127.0.0.1). */
function hostEndpoint(service: LabService, stack: StackName): string {
  const { endpoints } = STACKS[stack];
  return service === 'kafka' ? endpoints.kafkaBootstrap : endpoints.cassandraContactPoint;
}

export function clusterEndpoints(service: LabService, configured: string[], containers: ContainerSummary[]): ClusterRef[] {
  if (configured.length > 0) return [{ id: configured.join(','), label: service === 'kafka' ? 'Kafka' : 'Cassandra', servers: configured }];
  return Object.values(STACKS)
    .filter((stack) => containers.some((c) => c.project === stack.composeProject && c.service === service && c.state === 'running'))
    .map((stack) => {
      const server = hostEndpoint(service, stack.name);
      return { id: server, label: stack.title, servers: [server], stack: stack.name };
    });
}

async function runningClusters(service: LabService, configured: string[], containers: ContainersModel): Promise<ClusterRef[]> {
  if (configured.length > 0) return clusterEndpoints(service, configured, []);
  await containers.ensureStarted();
  const state = containers.current;
  return clusterEndpoints(service, [], state.kind === 'ready' ? state.containers : []);
}

/** Kafka clusters and one admin client per cluster (kafkajs loads on first use). */
export class KafkaConnections {
  private registry: KafkaClientRegistry | undefined;

  constructor(
    private readonly configured: () => string[],
    private readonly containers: ContainersModel,
    private readonly debugLog: (message: string) => void = () => undefined,
  ) {}

  clusters(): Promise<ClusterRef[]> {
    return runningClusters('kafka', this.configured(), this.containers);
  }

  /** The cluster of a lab stack (its broker), whether or not it runs. */
  ofStack(stack: StackName): ClusterRef {
    const server = hostEndpoint('kafka', stack);
    return { id: server, label: STACKS[stack].title, servers: [server], stack };
  }

  admin(cluster: ClusterRef): KafkaAdminClient {
    this.registry ??= kafkaBundle().createKafkaClientRegistry({
      logger: (entry) => this.debugLog(`kafka ${entry.level} [${entry.namespace}] ${entry.message}`),
    });
    return this.registry.get({ brokers: cluster.servers, clientId: 'archlab' });
  }

  async dispose(): Promise<void> {
    await this.registry?.dispose();
  }
}

/** Cassandra clusters and one driver client per cluster, made on first use. */
export class CassandraConnections {
  private readonly clients = new Map<string, CassandraClient>();

  constructor(
    private readonly settings: () => { contactPoints: string[]; localDataCenter: string },
    private readonly containers: ContainersModel,
  ) {}

  clusters(): Promise<ClusterRef[]> {
    return runningClusters('cassandra', this.settings().contactPoints, this.containers);
  }

  /** The cluster of a lab stack (its Cassandra), whether or not it runs. */
  ofStack(stack: StackName): ClusterRef {
    const server = hostEndpoint('cassandra', stack);
    return { id: server, label: STACKS[stack].title, servers: [server], stack };
  }

  client(cluster: ClusterRef): CassandraClient {
    const key = `${cluster.id}@${this.settings().localDataCenter}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new (cassandraBundle().DriverCassandraClient)({ contactPoints: cluster.servers, localDataCenter: this.settings().localDataCenter });
      this.clients.set(key, client);
    }
    return client;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}
