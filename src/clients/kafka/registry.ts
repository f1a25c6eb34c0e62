// One admin client per cluster (keyed by its bootstrap servers), created on first use, closed on dispose.
// No kafkajs here: the factory is injected, so this can live in the activation bundle while kafkajs loads lazily.
import type { KafkaAdminClient, KafkaConnection } from './types';

export type KafkaAdminFactory = (connection: KafkaConnection) => KafkaAdminClient;

/** The registry key of a cluster: its bootstrap servers, trimmed, lower-cased, sorted, deduplicated. */
export function clusterKey(brokers: readonly string[]): string {
  return [...new Set(brokers.map((b) => b.trim().toLowerCase()).filter(Boolean))].sort().join(',');
}

export class KafkaClientRegistry {
  private readonly clients = new Map<string, KafkaAdminClient>();
  private disposed = false;

  constructor(private readonly factory: KafkaAdminFactory) {}

  /** The cluster's client, created on first use. */
  get(connection: KafkaConnection): KafkaAdminClient {
    if (this.disposed) throw new Error('KafkaClientRegistry was disposed');
    const key = clusterKey(connection.brokers);
    let client = this.clients.get(key);
    if (!client) {
      client = this.factory(connection);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes and forgets a cluster's client (e.g. when the settings point elsewhere); the next get() makes a new one. */
  async close(brokers: readonly string[]): Promise<void> {
    const key = clusterKey(brokers);
    const client = this.clients.get(key);
    this.clients.delete(key);
    await client?.close().catch(() => {});
  }

  /** Keys of the clusters with a client. */
  keys(): string[] {
    return [...this.clients.keys()];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
  }
}
