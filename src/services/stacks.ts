// The lab stacks as a service: which compose file and environment a stack runs with, whether it fits in Docker's
// memory, how healthy it is, and starting, stopping and resetting it. No vscode: the commands add progress
// notifications and confirmations on top, the CLI its terminal output.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { DockerAccess } from '../clients/docker/dockerAccess';
import type { ComposeProgress } from '../clients/docker/composeOutput';
import type { ComposeProject } from '../clients/docker/composeCli';
import type { ContainerSummary } from '../clients/docker/types';
import { grafanaPluginState, type PluginState } from '../clients/grafana';
import { UserFacingError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ArchlabSettings } from '../core/settings';
import { GRAFANA_ADMIN_USER, GRAFANA_CASSANDRA_PLUGIN, GRAFANA_PASSWORD_ENV, memoryBudget, memoryEnv, STACKS, type StackName } from '../core/stacks';
import type { ContainersModel } from './containers';

/** Where secrets live: VS Code's SecretStorage in the extension, a private file for the CLI. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
}

export interface StackServiceOptions {
  docker: DockerAccess;
  containers: ContainersModel;
  settings: () => ArchlabSettings;
  secrets: SecretStore;
  /** The installed extension (or the CLI's package): the bundled compose files live below it. */
  extensionRoot: string;
  /** Where a relative archlab.stacks.composeFiles path is resolved (the first workspace folder). */
  workspaceRoot?: () => string | undefined;
  log: Logger;
}

export interface StackProgressOptions {
  /** One line per phase, naming the service ("Waiting for kafka to be healthy…"). */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface StackHealth {
  healthy: number;
  total: number;
}

/** Archlab's stacks, plus any project named archlab-* (test stacks, custom stacks). */
export function isLabProject(project: string): boolean {
  return Object.values(STACKS).some((s) => s.composeProject === project) || project.startsWith('archlab-');
}

/** Container port of each service's web UI, as the images serve them. */
const WEB_UI_PORTS: Record<string, number> = {
  grafana: 3000,
  'spark-master': 8080,
  namenode: 9870,
  resourcemanager: 8088,
  'kafka-ui': 8080,
};

/** The web UI of a service, from the host port it really publishes (so custom port mappings work too). */
export function serviceUiUrl(container: ContainerSummary): string | undefined {
  const ui = WEB_UI_PORTS[container.service ?? ''];
  const port = ui && container.ports.find((p) => p.containerPort === ui);
  return port ? `http://127.0.0.1:${port.hostPort}/` : undefined;
}

/** The stack's Grafana dashboard (anonymous read-only on 127.0.0.1). */
export function stackGrafanaUrl(stack: StackName): string {
  const { grafana } = STACKS[stack];
  return `${grafana.url}d/${grafana.dashboardUid}`;
}

/** "healthy" counts a running service without a healthcheck too; one-shot helpers are not counted. */
export function groupHealth(containers: ContainerSummary[]): StackHealth {
  const services = containers.filter((c) => !c.oneShot);
  const healthy = services.filter((c) => c.state === 'running' && (c.health === 'healthy' || c.health === 'none')).length;
  return { healthy, total: services.length };
}

/** The service a compose container name belongs to: archlab-kappa-kafka-1 → kafka. */
export function serviceOf(containerName: string, project: string): string {
  return containerName.replace(new RegExp(`^${project}[-_]`), '').replace(/[-_]\d+$/, '');
}

/** One line of start/stop progress, naming the service. */
export function describeProgress(progress: ComposeProgress, project: string): string {
  const service = progress.subject ? serviceOf(progress.subject, project) : undefined;
  switch (progress.phase) {
    case 'pulling':
      return `Pulling images${service ? `: ${service}` : ''}…`;
    case 'building':
      return 'Building the jobs image…';
    case 'creating':
      return `Creating ${service ?? 'containers'}…`;
    case 'starting':
      return `Starting ${service ?? 'containers'}…`;
    case 'waiting':
      return `Waiting for ${service ?? 'services'} to be healthy…`;
    case 'healthy':
      return `${service ?? 'A service'} is healthy`;
    case 'stopping':
      return `Stopping ${service ?? 'containers'}…`;
    case 'removing':
      return `Removing ${service ?? 'containers'}…`;
  }
}

export function requireStackName(value: unknown): StackName {
  if (value === 'lambda' || value === 'kappa') return value;
  throw new UserFacingError(`Unknown stack "${String(value)}": use lambda or kappa.`);
}

export class StackService {
  /** Compose variables an experiment sets over the memory profile, per stack, while it runs. */
  private readonly experimentEnv = new Map<StackName, Record<string, string>>();

  constructor(private readonly options: StackServiceOptions) {}

  /** Sets (or with undefined, drops) an experiment's compose variables; they apply from the next compose command. */
  setExperimentEnv(name: StackName, env: Record<string, string> | undefined): void {
    if (env) this.experimentEnv.set(name, env);
    else this.experimentEnv.delete(name);
  }

  /** Compose file of a stack: the bundled one, or a per-stack override from archlab.stacks.composeFiles. */
  composeFile(name: StackName): string {
    const override = this.options.settings().stackComposeFiles[name];
    if (override) return path.isAbsolute(override) ? override : path.resolve(this.options.workspaceRoot?.() ?? '', override);
    return path.join(this.options.extensionRoot, ...STACKS[name].composeFile.split('/'));
  }

  /** Compose needs the memory plan and the Grafana password for every command on the file (interpolation). */
  async composeTarget(name: StackName, profiles: string[] = []): Promise<ComposeProject> {
    return {
      project: STACKS[name].composeProject,
      file: this.composeFile(name),
      env: {
        ...memoryEnv(name, this.options.settings().memoryProfile),
        ...this.experimentEnv.get(name),
        [GRAFANA_PASSWORD_ENV]: await this.grafanaPassword(name),
      },
      profiles,
    };
  }

  /** The Grafana admin password of a stack: generated once, kept in the secret store, never logged. */
  async grafanaPassword(name: StackName): Promise<string> {
    const key = `archlab.grafana.adminPassword.${name}`;
    let password = await this.options.secrets.get(key);
    if (!password) {
      password = crypto.randomBytes(18).toString('base64url');
      await this.options.secrets.store(key, password);
    }
    return password;
  }

  /**
   * Grafana installs its Cassandra data source in the background after it starts (and starts without it when the
   * download fails): waits until the plugin is installed, or says it is missing or Grafana unreachable at the deadline.
   */
  async grafanaPlugin(
    name: StackName,
    options: { timeoutMs?: number; intervalMs?: number; baseUrl?: string; signal?: AbortSignal } = {},
  ): Promise<PluginState> {
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const auth = { user: GRAFANA_ADMIN_USER, password: await this.grafanaPassword(name) };
    for (;;) {
      const state = await grafanaPluginState(options.baseUrl ?? STACKS[name].grafana.url, GRAFANA_CASSANDRA_PLUGIN.id, auth);
      if (state === 'installed' || Date.now() >= deadline || options.signal?.aborted) return state;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 3000));
    }
  }

  containersOf(name: StackName): ContainerSummary[] {
    return this.options.containers.containersOf(STACKS[name].composeProject);
  }

  health(name: StackName): StackHealth {
    return groupHealth(this.containersOf(name));
  }

  /** Running stacks: those with a running container. */
  running(): StackName[] {
    return (Object.keys(STACKS) as StackName[]).filter((name) => this.containersOf(name).some((c) => c.state === 'running'));
  }

  /** Docker answers, and the containers model watches it. */
  async ensureDocker(): Promise<void> {
    await this.options.docker.client().ping();
    if (this.options.containers.current.kind !== 'ready') await this.options.containers.reconnect();
  }

  /** Refuses a start that cannot fit: the stack's memory limits against what Docker can give. */
  async checkMemory(name: StackName): Promise<void> {
    const profile = this.options.settings().memoryProfile;
    const needMiB = memoryBudget(name, profile).totalMiB;
    const haveMiB = (await this.options.docker.client().memoryBytes()) / 2 ** 20;
    const stack = STACKS[name];
    this.options.log.info(`${stack.title} (${profile} profile) may use ${(needMiB / 1024).toFixed(1)} GiB; Docker has ${(haveMiB / 1024).toFixed(1)} GiB`);
    if (haveMiB > 0 && needMiB > haveMiB) {
      throw new UserFacingError(
        `Not enough memory for ${stack.title} with the "${profile}" profile: it may use ${(needMiB / 1024).toFixed(1)} GiB, Docker has ${(haveMiB / 1024).toFixed(1)} GiB. Choose the "small" memory profile, stop the other stack, or give Docker more memory.`,
        { actions: [{ title: 'Choose Memory Profile', command: 'workbench.action.openSettings', args: ['archlab.memoryProfile'] }] },
      );
    }
  }

  /** The compose profiles a start enables: Grafana unless switched off, and the pipeline jobs when asked for. */
  startProfiles(name: StackName, withJobs: boolean): string[] {
    const profiles = this.options.settings().stacksGrafana ? ['grafana'] : [];
    if (withJobs && STACKS[name].jobs.length > 0) profiles.push('jobs');
    return profiles;
  }

  /** The long-running services a start with these profiles brings up (for "is it already up?"). */
  private expectedServices(name: StackName, profiles: string[]): string[] {
    return STACKS[name].services.filter((s) => (s.kind === 'service' || s.kind === 'job') && (!s.profile || profiles.includes(s.profile))).map((s) => s.name);
  }

  /**
   * Brings the stack up (`up --wait`), with its pipeline jobs when `withJobs`. Returns false when everything asked
   * for was already running and healthy (nothing was done).
   */
  async start(name: StackName, options: StackProgressOptions & { withJobs?: boolean } = {}): Promise<boolean> {
    const stack = STACKS[name];
    const docker = this.options.docker;
    this.options.log.info(`Start ${stack.title}: Docker at ${docker.endpoint().host} (from ${docker.endpoint().source})`);
    await this.ensureDocker();
    await this.options.containers.refresh();
    const profiles = this.startProfiles(name, options.withJobs ?? false);
    const existing = this.containersOf(name);
    const up = (service: string) => existing.some((c) => c.service === service && c.state === 'running' && (c.health === 'healthy' || c.health === 'none'));
    if (existing.length > 0 && this.expectedServices(name, profiles).every(up)) return false;
    if (!this.options.settings().stackComposeFiles[name]) await this.checkMemory(name);
    await docker.compose().up(await this.composeTarget(name, profiles), {
      build: true,
      signal: options.signal,
      onOutput: (line) => this.options.log.trace(`[compose ${stack.composeProject}] ${line}`),
      onProgress: (p) => this.report(name, p, options.onProgress),
    });
    await this.options.containers.refresh();
    const after = this.health(name);
    this.options.log.info(`${stack.title} is up: ${after.healthy}/${after.total} services healthy`);
    return true;
  }

  /** Starts (or recreates, when their definition changed) some services of a running stack, waiting for them to be healthy. */
  async startServices(name: StackName, services: string[], options: StackProgressOptions & { noDeps?: boolean } = {}): Promise<void> {
    await this.ensureDocker();
    // Every profile: compose starts only the services named (and what they depend on), whatever their profile.
    const target = await this.composeTarget(name, STACKS[name].profiles);
    await this.options.docker.compose().up(target, {
      services,
      noDeps: options.noDeps,
      signal: options.signal,
      onOutput: (line) => this.options.log.trace(`[compose ${STACKS[name].composeProject}] ${line}`),
      onProgress: (p) => this.report(name, p, options.onProgress),
    });
    await this.options.containers.refresh();
  }

  /** Runs a one-shot service (e.g. one batch cycle) to completion; fails with its exit code and last log lines. */
  async runOnce(name: StackName, service: string, options: StackProgressOptions = {}): Promise<void> {
    await this.ensureDocker();
    const target = await this.composeTarget(name);
    await this.options.docker.compose().run(target, service, {
      signal: options.signal,
      onOutput: (line) => this.options.log.info(`[${service}] ${line}`),
      onProgress: (p) => this.report(name, p, options.onProgress),
    });
    await this.options.containers.refresh();
  }

  /** Stops some services (their containers stay, with their logs; `start` brings them back). */
  async stopServices(name: StackName, services: string[], options: StackProgressOptions = {}): Promise<void> {
    await this.ensureDocker();
    const target = await this.composeTarget(name, STACKS[name].profiles);
    await this.options.docker.compose().stop(target, {
      services,
      onOutput: (line) => this.options.log.trace(`[compose ${STACKS[name].composeProject}] ${line}`),
      onProgress: (p) => this.report(name, p, options.onProgress),
    });
    await this.options.containers.refresh();
  }

  /** Stops the whole stack, jobs and extras included. The data stays in the volumes unless removeVolumes. */
  async stop(name: StackName, options: StackProgressOptions & { removeVolumes?: boolean } = {}): Promise<void> {
    const stack = STACKS[name];
    await this.ensureDocker();
    // Every profile, so that jobs and extras stop too (compose leaves other profiles' containers running).
    const target = await this.composeTarget(name, stack.profiles);
    await this.options.docker.compose().down(target, {
      removeVolumes: options.removeVolumes,
      onOutput: (line) => this.options.log.trace(`[compose ${stack.composeProject}] ${line}`),
      onProgress: (p) => this.report(name, p, options.onProgress),
    });
    await this.options.containers.refresh();
    this.options.log.info(options.removeVolumes ? `${stack.title}: containers and volumes removed` : `${stack.title} stopped; its data (volumes) is kept`);
  }

  private report(name: StackName, progress: ComposeProgress, onProgress?: (message: string) => void): void {
    const message = describeProgress(progress, STACKS[name].composeProject);
    this.options.log.info(`${STACKS[name].title}: ${message}`);
    onProgress?.(message);
  }
}
