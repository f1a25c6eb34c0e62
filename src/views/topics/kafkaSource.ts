import type { KafkaClientRegistry } from '../../clients/kafka/registry';
import type { KafkaAdminClient } from '../../clients/kafka/types';
import { kafkaBundle } from '../../clients/bundles';
import type { ContainersModel } from '../../models/containersModel';
import { clusterEndpoints, type ClusterRef } from '../../models/stackEndpoints';
import type { TopicsSource } from './topicsTree';

/** Clusters from the settings, else the running stacks' brokers; one admin client per cluster (kafkajs loads on first use). */
export class KafkaSource implements TopicsSource {
  private registry: KafkaClientRegistry | undefined;

  constructor(
    private readonly configured: () => string[],
    private readonly containers: ContainersModel,
    private readonly debugLog: (message: string) => void,
  ) {}

  async clusters(): Promise<ClusterRef[]> {
    const configured = this.configured();
    if (configured.length > 0) return clusterEndpoints('kafka', configured, []);
    await this.containers.ensureStarted();
    const state = this.containers.current;
    return clusterEndpoints('kafka', [], state.kind === 'ready' ? state.containers : []);
  }

  admin(cluster: ClusterRef): KafkaAdminClient {
    this.registry ??= kafkaBundle().createKafkaClientRegistry({
      logger: (entry) => this.debugLog(`kafka ${entry.level} [${entry.namespace}] ${entry.message}`),
    });
    return this.registry.get({ brokers: cluster.servers, clientId: 'archlab-vscode' });
  }

  async dispose(): Promise<void> {
    await this.registry?.dispose();
  }
}
