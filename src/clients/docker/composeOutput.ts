// Reading `docker compose --progress plain` output: progress phases and the failures users hit.
import { UserFacingError, type ErrorAction } from '../../core/errors';

export type ComposePhase = 'pulling' | 'building' | 'creating' | 'starting' | 'waiting' | 'healthy' | 'stopping' | 'removing';

export interface ComposeProgress {
  phase: ComposePhase;
  /** Compose service or container name the line is about, when it names one. */
  subject?: string;
  line: string;
}

const RESOURCE_LINE =
  /^\s*(Container|Network|Volume)\s+(\S+)\s+(Creating|Created|Starting|Started|Waiting|Healthy|Running|Stopping|Stopped|Removing|Removed|Recreate|Recreated)\b/;
const PULL_LINE = /^\s*(\S+)\s+(Pulling|Pulled)\b/;
const BUILD_LINE = /^#\d+\s+\[([^\]]+)\]/;

const PHASE_OF: Record<string, ComposePhase> = {
  Creating: 'creating',
  Created: 'creating',
  Recreate: 'creating',
  Recreated: 'creating',
  Starting: 'starting',
  Started: 'starting',
  Running: 'starting',
  Waiting: 'waiting',
  Healthy: 'healthy',
  Stopping: 'stopping',
  Stopped: 'stopping',
  Removing: 'removing',
  Removed: 'removing',
};

export function parseProgressLine(line: string): ComposeProgress | undefined {
  const resource = RESOURCE_LINE.exec(line);
  if (resource) return { phase: PHASE_OF[resource[3]], subject: resource[1] === 'Container' ? resource[2] : undefined, line: line.trim() };
  const pull = PULL_LINE.exec(line);
  if (pull) return { phase: 'pulling', subject: pull[1], line: line.trim() };
  const build = BUILD_LINE.exec(line);
  if (build) return { phase: 'building', subject: build[1].split(' ')[0], line: line.trim() };
  return undefined;
}

const LOGS: ErrorAction = { title: 'Open Logs', command: 'archlab.showLogs' };

/** Turns compose's stderr into a message that says what happened and what to do; undefined when unknown. */
export function explainComposeFailure(stderr: string, context: { project: string }): UserFacingError | undefined {
  const port =
    /(?:Bind for |listen tcp4? |bind: address already in use.*?)((?:\d+\.){3}\d+:\d+)|((?:\d+\.){3}\d+:\d+)[^\n]*(?:port is already allocated|address already in use)/.exec(
      stderr,
    );
  if (/port is already allocated|address already in use/.test(stderr)) {
    const address = port?.[1] ?? port?.[2] ?? 'a port the stack needs';
    return new UserFacingError(
      `Cannot start ${context.project}: ${address} is already in use by another program or stack. Stop whatever listens there (e.g. \`ss -ltnp | grep ${address.split(':').pop()}\`) and start again.`,
      { actions: [LOGS] },
    );
  }
  const unhealthy = /container (\S+) is unhealthy/.exec(stderr) ?? /dependency failed to start: container (\S+)/.exec(stderr);
  if (unhealthy) {
    return new UserFacingError(
      `Cannot start ${context.project}: ${unhealthy[1]} did not become healthy. Its logs usually say why (Containers view → Show Logs); on a small machine, try the "small" memory profile.`,
      { actions: [LOGS] },
    );
  }
  if (
    /pull access denied|manifest unknown|failed to resolve reference|not found: manifest|toomanyrequests|dial tcp: lookup|i\/o timeout|TLS handshake timeout/.test(
      stderr,
    )
  ) {
    const image = /(?:resolve reference|pull access denied for|image) "?([\w./:-]+)"?/.exec(stderr)?.[1];
    return new UserFacingError(
      `Cannot start ${context.project}: pulling ${image ?? 'an image'} failed. Check the internet connection or proxy of Docker (docker pull works?), or log in if you hit the registry's rate limit.`,
      { actions: [LOGS] },
    );
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running/.test(stderr)) {
    return new UserFacingError('Docker is not running: start Docker Desktop or the docker service, then try again.', { actions: [LOGS] });
  }
  if (/permission denied while trying to connect/.test(stderr)) {
    return new UserFacingError('Permission denied on the Docker socket: add your user to the "docker" group and log in again, or use rootless Docker.', {
      actions: [LOGS],
    });
  }
  if (/'compose' is not a docker command|unknown command: docker compose|unknown shorthand flag|docker: unknown command/.test(stderr)) {
    return new UserFacingError('Docker Compose v2 is missing: install the Docker Compose plugin ("docker compose version" must work).', { actions: [LOGS] });
  }
  if (/Killed|OOMKilled|out of memory|cannot allocate memory/i.test(stderr)) {
    return new UserFacingError(
      `Cannot start ${context.project}: Docker ran out of memory. Give Docker more memory, stop the other stack, or choose the "small" memory profile.`,
      { actions: [LOGS] },
    );
  }
  return undefined;
}
