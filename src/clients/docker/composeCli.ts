// The `docker compose` v2 CLI, for what compose does best: up with health waits, down, volumes.
import { spawn } from 'node:child_process';
import { UserFacingError } from '../../core/errors';
import type { DockerEndpoint } from './endpoint';
import { explainComposeFailure, parseProgressLine, type ComposeProgress } from './composeOutput';

export interface ComposeProject {
  project: string;
  file: string;
  /** Extra environment for interpolation (memory profile, generated passwords). */
  env?: Record<string, string>;
  profiles?: string[];
}

export interface ComposeOptions {
  /** The docker CLI; default `docker` from PATH. */
  dockerCli?: string;
  onProgress?: (progress: ComposeProgress) => void;
  onOutput?: (line: string) => void;
  signal?: AbortSignal;
}

export class ComposeCli {
  constructor(
    private readonly endpoint: DockerEndpoint,
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  /** `build`: rebuild images built by the project (a no-op from cache when nothing changed). */
  up(target: ComposeProject, options: ComposeOptions & { services?: string[]; waitTimeoutS?: number; build?: boolean; noDeps?: boolean } = {}): Promise<void> {
    return this.run_(
      target,
      [
        'up',
        '--detach',
        '--wait',
        '--wait-timeout',
        String(options.waitTimeoutS ?? 600),
        ...(options.build ? ['--build'] : []),
        ...(options.noDeps ? ['--no-deps'] : []),
        ...(options.services ?? []),
      ],
      options,
    );
  }

  down(target: ComposeProject, options: ComposeOptions & { removeVolumes?: boolean } = {}): Promise<void> {
    return this.run_(target, ['down', ...(options.removeVolumes ? ['--volumes'] : [])], options);
  }

  /** Runs a one-shot service to completion (`run --rm`, its dependencies started as needed). */
  run(target: ComposeProject, service: string, options: ComposeOptions = {}): Promise<void> {
    return this.run_(target, ['run', '--rm', '--no-TTY', service], options);
  }

  stop(target: ComposeProject, options: ComposeOptions & { services?: string[] } = {}): Promise<void> {
    return this.run_(target, ['stop', ...(options.services ?? [])], options);
  }

  private run_(target: ComposeProject, args: string[], options: ComposeOptions): Promise<void> {
    const cli = options.dockerCli ?? 'docker';
    const fullArgs = [
      'compose',
      '--progress',
      'plain',
      '--project-name',
      target.project,
      '--file',
      target.file,
      ...(target.profiles ?? []).flatMap((p) => ['--profile', p]),
      ...args,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(cli, fullArgs, {
        env: { ...this.baseEnv, DOCKER_HOST: this.endpoint.host, ...target.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: options.signal,
      });
      let stderr = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        stderr += text;
        if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          options.onOutput?.(line);
          const progress = parseProgressLine(line);
          if (progress) options.onProgress?.(progress);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') reject(new UserFacingError(`Cancelled: docker compose ${args[0]} for ${target.project} was stopped.`));
        else if (error.code === 'ENOENT')
          reject(
            new UserFacingError(
              `The docker CLI ("${cli}") was not found. Install Docker (with the Compose v2 plugin) and make sure "docker" is on the PATH of VS Code.`,
              { cause: error },
            ),
          );
        else reject(error);
      });
      child.on('close', (code) => {
        if (code === 0 || (args[0] === 'up' && onlyOneShotsExited(stderr))) resolve();
        else if (options.signal?.aborted) reject(new UserFacingError(`Cancelled: docker compose ${args[0]} for ${target.project} was stopped.`));
        else
          reject(
            explainComposeFailure(stderr, target) ?? new Error(`docker compose ${args[0]} for ${target.project} failed (exit ${code}): ${lastLines(stderr)}`),
          );
      });
    });
  }
}

/**
 * `up --wait` fails when any container exits, even a one-shot init that exited 0 by design (compose 2.2x).
 * That is success when it is the only complaint; any other failure keeps the exit code.
 */
export function onlyOneShotsExited(stderr: string): boolean {
  const complaints = stderr.split('\n').filter((line) => /exited \(\d+\)|unhealthy|error|failed/i.test(line));
  return complaints.length > 0 && complaints.every((line) => /container \S+ exited \(0\)/.test(line));
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
