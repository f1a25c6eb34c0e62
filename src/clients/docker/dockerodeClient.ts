// DockerClient over dockerode. Loaded on first use (its own bundle), never at activation.
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { explainConnectionError, pingDocker } from './ping';
import { PROJECT_LABEL, SERVICE_LABEL, toContainerStats, toContainerSummary, type ApiContainer, type ApiStats } from './containerMapping';
import type { DockerEndpoint } from './endpoint';
import type { ContainerEvent, ContainerRunState, ContainerStats, ContainerSummary, Disposable, DockerClient } from './types';

export function dockerodeOptions(host: string, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  const url = new URL(host.replace(/^tcp:/, env.DOCKER_TLS_VERIFY ? 'https:' : 'http:'));
  if (url.protocol === 'ssh:') return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined };
  return { protocol: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 2376 : 2375)) };
}

const CONNECTION_ERRORS = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

export class DockerodeClient implements DockerClient {
  private readonly docker: Docker;

  constructor(private readonly endpoint: DockerEndpoint) {
    this.docker = new Docker(dockerodeOptions(endpoint.host));
  }

  /** Connection failures get the same actionable messages as the ping; API errors pass through. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw code && CONNECTION_ERRORS.has(code) ? explainConnectionError(this.endpoint, error as NodeJS.ErrnoException) : error;
    }
  }

  async ping(): Promise<void> {
    await pingDocker(this.endpoint);
  }

  async memoryBytes(): Promise<number> {
    const info = (await this.guard(() => this.docker.info())) as { MemTotal?: number };
    return info.MemTotal ?? 0;
  }

  async listContainers(filter: { projects?: string[] } = {}): Promise<ContainerSummary[]> {
    const labels = filter.projects ? filter.projects.map((p) => `${PROJECT_LABEL}=${p}`) : [PROJECT_LABEL];
    // The label filter ORs values of the same key only in newer engines; ask once per project to be exact.
    const lists = await this.guard(() => Promise.all(labels.map((label) => this.docker.listContainers({ all: true, filters: { label: [label] } }))));
    return lists.flat().map((c) => toContainerSummary(c as unknown as ApiContainer));
  }

  async stats(containerId: string): Promise<ContainerStats> {
    const stats = await this.guard(() => this.docker.getContainer(containerId).stats({ stream: false }));
    return toContainerStats(stats as unknown as ApiStats);
  }

  async start(containerId: string): Promise<void> {
    await this.guard(() => this.docker.getContainer(containerId).start());
  }

  async stop(containerId: string): Promise<void> {
    await this.guard(() => this.docker.getContainer(containerId).stop());
  }

  async restart(containerId: string): Promise<void> {
    await this.guard(() => this.docker.getContainer(containerId).restart());
  }

  async inspectState(containerId: string): Promise<ContainerRunState> {
    const info = await this.guard(() => this.docker.getContainer(containerId).inspect());
    const time = (value: string | undefined) => (value && !value.startsWith('0001-') ? Date.parse(value) : undefined);
    return {
      startedAt: time(info.State.StartedAt),
      finishedAt: time(info.State.FinishedAt),
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      restartCount: info.RestartCount,
      pid: info.State.Pid,
    };
  }

  async tailLogs(containerId: string, lines: number): Promise<string[]> {
    const container = this.docker.getContainer(containerId);
    const info = await this.guard(() => container.inspect());
    const raw = (await this.guard(() => container.logs({ follow: false, stdout: true, stderr: true, tail: lines }))) as unknown as Buffer;
    const text = info.Config.Tty ? raw.toString('utf8') : demuxed(raw);
    return text.split('\n').filter((line) => line.trim() !== '');
  }

  async kill(containerId: string, signal = 'SIGKILL'): Promise<void> {
    await this.guard(() => this.docker.getContainer(containerId).kill({ signal }));
  }

  async followLogs(containerId: string, onLine: (line: string) => void, options: { tail?: number } = {}): Promise<Disposable> {
    const container = this.docker.getContainer(containerId);
    const info = await this.guard(() => container.inspect());
    const stream = (await this.guard(() =>
      container.logs({ follow: true, stdout: true, stderr: true, tail: options.tail ?? 200 }),
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    const output = new PassThrough();
    if (info.Config.Tty) stream.pipe(output);
    else this.docker.modem.demuxStream(stream, output, output);
    splitLines(output, onLine);
    stream.on('end', () => output.end());
    return {
      dispose: () => {
        stream.destroy?.();
        output.destroy();
      },
    };
  }

  async watchEvents(onEvent: (event: ContainerEvent) => void, onError: (error: Error) => void): Promise<Disposable> {
    const stream = (await this.guard(() => this.docker.getEvents({ filters: { type: ['container'] } }))) as NodeJS.ReadableStream & { destroy?: () => void };
    let disposed = false;
    splitLines(stream, (line) => {
      try {
        const event = JSON.parse(line) as { Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
        const attributes = event.Actor?.Attributes ?? {};
        onEvent({
          action: event.Action ?? event.status ?? '',
          containerId: event.Actor?.ID ?? event.id ?? '',
          project: attributes[PROJECT_LABEL],
          service: attributes[SERVICE_LABEL],
        });
      } catch {
        // a partial or foreign line: ignore it, the next refresh reads the real state anyway
      }
    });
    const broken = (error?: Error) => {
      if (!disposed) onError(error ?? new Error('the Docker events stream ended'));
    };
    stream.on('error', broken);
    stream.on('end', () => broken());
    return {
      dispose: () => {
        disposed = true;
        stream.destroy?.();
      },
    };
  }
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending.trim() !== '') onLine(pending);
  });
}

/** The text of a non-TTY log buffer: 8-byte frame headers (stream, size) before each chunk. */
function demuxed(buffer: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size).toString('utf8'));
    at += 8 + size;
  }
  return parts.join('');
}
