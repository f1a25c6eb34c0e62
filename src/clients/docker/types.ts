// Archlab's own view of Docker containers; views never see dockerode types.

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy' | 'none';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerSummary {
  id: string;
  name: string;
  /** Compose project and service, when the container belongs to one. */
  project?: string;
  service?: string;
  /** Compose's one-shot helpers (topic or schema init) exit by design. */
  oneShot: boolean;
  image: string;
  state: ContainerState;
  health: ContainerHealth;
  /** Docker's own human status, e.g. "Up 3 minutes (healthy)". */
  status: string;
  ports: PublishedPort[];
}

export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

/** What `docker inspect` says of a container's run (times in ms since the epoch). */
export interface ContainerRunState {
  startedAt?: number;
  finishedAt?: number;
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  /** Its main process on the host (0 when not running). */
  pid: number;
}

export interface ContainerEvent {
  action: string;
  containerId: string;
  project?: string;
  service?: string;
}

export interface Disposable {
  dispose(): void;
}

export interface DockerClient {
  ping(): Promise<void>;
  /** Memory the engine can give containers (Docker Desktop: its VM's memory). */
  memoryBytes(): Promise<number>;
  listContainers(filter?: { projects?: string[] }): Promise<ContainerSummary[]>;
  stats(containerId: string): Promise<ContainerStats>;
  start(containerId: string): Promise<void>;
  stop(containerId: string): Promise<void>;
  restart(containerId: string): Promise<void>;
  /** Sends a signal to the container's main process (default SIGKILL, like `docker kill`). */
  kill(containerId: string, signal?: string): Promise<void>;
  inspectState(containerId: string): Promise<ContainerRunState>;
  /** The last `lines` lines of its log (stdout and stderr). */
  tailLogs(containerId: string, lines: number): Promise<string[]>;
  /** Streams log lines (stdout and stderr) until disposed; `tail` lines of history first. */
  followLogs(containerId: string, onLine: (line: string) => void, options?: { tail?: number }): Promise<Disposable>;
  /** Container events until disposed; `onError` when the stream breaks (e.g. the daemon stopped). */
  watchEvents(onEvent: (event: ContainerEvent) => void, onError: (error: Error) => void): Promise<Disposable>;
}
