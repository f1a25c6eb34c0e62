// Links between running containers and the stack catalog: which compose projects are Archlab's,
// and which services have a web UI.
import type { ContainerSummary } from '../clients/docker/types';
import { STACKS } from '../core/stacks';

/** Archlab's stacks, plus any project named archlab-* (test stacks, custom stacks). */
export function isLabProject(project: string): boolean {
  return Object.values(STACKS).some((s) => s.composeProject === project) || project.startsWith('archlab-');
}

/** The web UI of a service, from the host port it really publishes (so custom port mappings work too). */
export function serviceUiUrl(container: ContainerSummary): string | undefined {
  const ui = WEB_UI_PORTS[container.service ?? ''];
  const port = ui && container.ports.find((p) => p.containerPort === ui);
  return port ? `http://127.0.0.1:${port.hostPort}/` : undefined;
}

/** The stack's Grafana dashboard (anonymous read-only on 127.0.0.1). */
export function stackGrafanaUrl(stack: unknown): string | undefined {
  const definition = Object.values(STACKS).find((s) => s.name === stack);
  return definition ? `${definition.grafana.url}d/${definition.grafana.dashboardUid}` : undefined;
}

/** Container port of each service's web UI, as the images serve them. */
const WEB_UI_PORTS: Record<string, number> = {
  grafana: 3000,
  'spark-master': 8080,
  namenode: 9870,
  resourcemanager: 8088,
  'kafka-ui': 8080,
};
