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
  /** Streams log lines (stdout and stderr) until disposed; `tail` lines of history first. */
  followLogs(containerId: string, onLine: (line: string) => void, options?: { tail?: number }): Promise<Disposable>;
  /** Container events until disposed; `onError` when the stream breaks (e.g. the daemon stopped). */
  watchEvents(onEvent: (event: ContainerEvent) => void, onError: (error: Error) => void): Promise<Disposable>;
}
