import { cassandraBundle } from '../../clients/bundles';
import type { CassandraClient } from '../../clients/cassandra/types';
import type { ContainersModel } from '../../models/containersModel';
import { clusterEndpoints, type ClusterRef } from '../../models/stackEndpoints';

/** Clusters from the settings, else the running stacks' Cassandra; one driver client per cluster, made on first use. */
export class CassandraSource {
  private readonly clients = new Map<string, CassandraClient>();

  constructor(
    private readonly settings: () => { contactPoints: string[]; localDataCenter: string },
    private readonly containers: ContainersModel,
  ) {}

  async clusters(): Promise<ClusterRef[]> {
    const { contactPoints } = this.settings();
    if (contactPoints.length > 0) return clusterEndpoints('cassandra', contactPoints, []);
    await this.containers.ensureStarted();
    const state = this.containers.current;
    return clusterEndpoints('cassandra', [], state.kind === 'ready' ? state.containers : []);
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
