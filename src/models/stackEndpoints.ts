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

/** Host ports the bundled stacks publish on 127.0.0.1 (lab-stacks/*\/compose.yaml). */
export const STACK_HOST_PORTS: Record<LabService, Record<StackName, number>> = {
  kafka: { lambda: 19092, kappa: 29092 },
  cassandra: { lambda: 19042, kappa: 29042 },
};

export function clusterEndpoints(service: LabService, configured: string[], containers: ContainerSummary[]): ClusterRef[] {
  if (configured.length > 0) return [{ id: configured.join(','), label: service === 'kafka' ? 'Kafka' : 'Cassandra', servers: configured }];
  return Object.values(STACKS)
    .filter((stack) => containers.some((c) => c.project === stack.composeProject && c.service === service && c.state === 'running'))
    .map((stack) => {
      const server = `127.0.0.1:${STACK_HOST_PORTS[service][stack.name]}`;
      return { id: server, label: stack.title, servers: [server], stack: stack.name };
    });
}
