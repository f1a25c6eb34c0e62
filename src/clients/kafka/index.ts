// Entry of the Kafka client (kafkajs inside): what views, commands and the CLI use. Only our own types leave here.
import { KafkajsAdminClient, type KafkajsAdminOptions } from './kafkajsAdmin';
import { KafkaClientRegistry } from './registry';
import type { KafkaAdminClient, KafkaConnection } from './types';

export * from './types';
export { clusterKey, KafkaClientRegistry, type KafkaAdminFactory } from './registry';
export { isConnectionKind, toKafkaClientError } from './errors';
export { isInternalTopic, type KafkajsAdminOptions } from './kafkajsAdmin';

/** A client for one cluster; connects on first use. Options: logger (default silent), timeouts. */
export function createKafkaAdmin(connection: KafkaConnection, options: KafkajsAdminOptions = {}): KafkaAdminClient {
  return new KafkajsAdminClient(connection, options);
}

/** A registry making kafkajs clients with these options. */
export function createKafkaClientRegistry(options: KafkajsAdminOptions = {}): KafkaClientRegistry {
  return new KafkaClientRegistry((connection) => createKafkaAdmin(connection, options));
}
