// Where Kafka and Cassandra are: the configured servers, or else each running lab stack's host port.
import type { ContainerSummary } from '../clients/docker/types';
import { STACKS, type StackName } from '../core/stacks';

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
