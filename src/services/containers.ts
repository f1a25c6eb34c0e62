// The one place that knows which lab containers exist and how they are: fed by the Docker events stream
// (debounced), not by polling. When Docker is unreachable it says so, retries, and recovers by itself.
import { shortMessage } from '../core/errors';
import type { ContainerStats, ContainerSummary, Disposable, DockerClient } from '../clients/docker/types';
import { Emitter } from '../core/emitter';

export type ContainersState =
  | { kind: 'loading' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'ready'; containers: ContainerSummary[]; stats: ReadonlyMap<string, ContainerStats>; updatedAt: number };

export interface ContainersModelOptions {
  /** Which compose projects belong to Archlab. */
  isLabProject: (project: string) => boolean;
  debounceMs?: number;
  reconnectMs?: number;
  statsIntervalMs?: number;
  log?: (message: string) => void;
}

export class ContainersModel implements Disposable {
  private state: ContainersState = { kind: 'loading' };
  private readonly changed = new Emitter<ContainersState>();
  readonly onDidChange = this.changed.on.bind(this.changed);
  private events: Disposable | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private stats = new Map<string, ContainerStats>();
  private disposed = false;
  private refreshing: Promise<void> | undefined;

  /** `clientOf` is asked for the client at every (re)connect, so a changed Docker host takes effect. */
  constructor(
    private readonly clientOf: () => DockerClient,
    private readonly options: ContainersModelOptions,
  ) {}

  private get client(): DockerClient {
    return this.clientOf();
  }

  get current(): ContainersState {
    return this.state;
  }

  private started: Promise<void> | undefined;

  /** Starts watching once; later calls wait for that first load. */
  ensureStarted(): Promise<void> {
    this.started ??= this.start();
    return this.started;
  }

  /** Connects to the events stream and loads the containers; safe to call again after errors. */
  async start(): Promise<void> {
    this.stopWatching();
    try {
      this.events = await this.client.watchEvents(
        (event) => {
          if (event.project && this.options.isLabProject(event.project)) this.scheduleRefresh();
        },
        (error) => this.lostConnection(error),
      );
      await this.refresh();
      this.scheduleStats();
    } catch (error) {
      this.lostConnection(error);
    }
  }

  /** Reconnects now (e.g. the Docker host setting changed, or a command found Docker back). */
  reconnect(): Promise<void> {
    return this.start();
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  containersOf(project: string): ContainerSummary[] {
    return this.state.kind === 'ready' ? this.state.containers.filter((c) => c.project === project) : [];
  }

  private async load(): Promise<void> {
    try {
      const containers = (await this.client.listContainers()).filter((c) => c.project && this.options.isLabProject(c.project));
      containers.sort((a, b) => `${a.project}/${a.service}`.localeCompare(`${b.project}/${b.service}`));
      for (const id of this.stats.keys()) if (!containers.some((c) => c.id === id && c.state === 'running')) this.stats.delete(id);
      this.set({ kind: 'ready', containers, stats: this.stats, updatedAt: Date.now() });
    } catch (error) {
      this.lostConnection(error);
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), this.options.debounceMs ?? 500);
  }

  private scheduleStats(): void {
    clearTimeout(this.statsTimer);
    if (this.disposed) return;
    this.statsTimer = setTimeout(() => void this.loadStats().finally(() => this.scheduleStats()), this.options.statsIntervalMs ?? 10_000);
  }

  private async loadStats(): Promise<void> {
    if (this.state.kind !== 'ready') return;
    const running = this.state.containers.filter((c) => c.state === 'running');
    if (running.length === 0) return;
    await Promise.all(
      running.map(async (c) => {
        try {
          this.stats.set(c.id, await this.client.stats(c.id));
        } catch {
          this.stats.delete(c.id);
        }
      }),
    );
    if (this.state.kind === 'ready') this.set({ ...this.state, stats: this.stats });
  }

  private lostConnection(error: unknown): void {
    if (this.disposed) return;
    this.stopWatching();
    const message = shortMessage(error);
    // Once per new reason, not at every retry.
    if (this.state.kind !== 'unreachable' || this.state.message !== message) {
      this.options.log?.(`Docker: ${message}; retrying every ${(this.options.reconnectMs ?? 5000) / 1000} s`);
    }
    this.set({ kind: 'unreachable', message });
    this.reconnectTimer = setTimeout(() => void this.start(), this.options.reconnectMs ?? 5000);
  }

  private stopWatching(): void {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.debounce);
    this.events?.dispose();
    this.events = undefined;
  }

  private set(state: ContainersState): void {
    this.state = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatching();
    clearTimeout(this.statsTimer);
    this.changed.clear();
  }
}
