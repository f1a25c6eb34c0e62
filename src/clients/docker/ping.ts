// A dependency-free reachability check of the Docker engine (GET /_ping), cheap enough to run before
// loading the Docker client library. Failures become messages that say what to do.
import * as http from 'node:http';
import { UserFacingError, type ErrorAction } from '../../core/errors';
import type { DockerEndpoint } from './endpoint';

export interface PingResult {
  apiVersion?: string;
}

const CONFIGURE: ErrorAction = { title: 'Configure Docker Host', command: 'workbench.action.openSettings', args: ['archlab.docker.host'] };

export function requestOptionsFor(host: string): http.RequestOptions {
  const url = host.trim();
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) };
  if (url.startsWith('npipe://')) return { socketPath: url.slice('npipe://'.length).replace(/\//g, '\\') };
  const tcp = /^(?:tcp|http):\/\/([^/:]+|\[[^\]]+\]):(\d+)/.exec(url);
  if (tcp) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new UserFacingError(`Archlab cannot use the Docker endpoint "${host}": only unix://, npipe:// and tcp:// endpoints are supported.`, {
    actions: [CONFIGURE],
  });
}

export function pingDocker(endpoint: DockerEndpoint, timeoutMs = 3000): Promise<PingResult> {
  const options = requestOptionsFor(endpoint.host);
  return new Promise((resolve, reject) => {
    const request = http.request({ ...options, path: '/_ping', method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve({ apiVersion: response.headers['api-version'] as string | undefined });
      else reject(unreachable(endpoint, `it answered HTTP ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => reject(explainConnectionError(endpoint, error)));
    request.end();
  });
}

function unreachable(endpoint: DockerEndpoint, reason: string, actions: ErrorAction[] = [CONFIGURE], cause?: unknown) {
  return new UserFacingError(`Docker is not reachable at ${endpoint.host} (from ${endpoint.source}): ${reason}`, { actions, cause });
}

/** A connection-level failure (no socket, refused, denied, timeout) as a message that says what to do. */
export function explainConnectionError(endpoint: DockerEndpoint, error: NodeJS.ErrnoException): UserFacingError {
  switch (error.code) {
    case 'ENOENT':
      return unreachable(
        endpoint,
        'no Docker socket there. Is Docker installed and running? Start Docker Desktop or the docker service, or point archlab.docker.host at your engine.',
        [CONFIGURE],
        error,
      );
    case 'ECONNREFUSED':
      return unreachable(endpoint, 'the connection was refused: the Docker daemon is not running. Start it and try again.', [CONFIGURE], error);
    case 'EACCES':
      return unreachable(
        endpoint,
        'permission denied on the socket. Add your user to the "docker" group (then log in again) or use rootless Docker.',
        [CONFIGURE],
        error,
      );
    case 'ETIMEDOUT':
      return unreachable(endpoint, 'no answer within a few seconds. Check the host and that the daemon is healthy.', [CONFIGURE], error);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return unreachable(endpoint, 'the host name does not resolve. Check archlab.docker.host, DOCKER_HOST or your docker context.', [CONFIGURE], error);
    default:
      return unreachable(endpoint, `${error.code ?? 'error'}: ${error.message}`, [CONFIGURE], error);
  }
}
