// Which Docker engine to talk to, in the order users expect from the docker CLI:
// the archlab.docker.host setting, then DOCKER_HOST, then the current docker context, then the default socket.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface DockerEndpoint {
  /** As the docker CLI writes it: unix:///var/run/docker.sock, tcp://host:2376, npipe:////./pipe/docker_engine. */
  host: string;
  /** Where the endpoint came from, for messages: "setting archlab.docker.host", "DOCKER_HOST", "docker context desktop-linux". */
  source: string;
}

export interface EndpointInputs {
  setting?: string;
  env?: NodeJS.ProcessEnv;
  /** The docker CLI's config folder; defaults to DOCKER_CONFIG or ~/.docker. */
  dockerConfigDir?: string;
  platform?: NodeJS.Platform;
  /** How the user names the setting in messages (the CLI: its flag). */
  settingName?: string;
}

export const DEFAULT_DOCKER_HOST = {
  win32: 'npipe:////./pipe/docker_engine',
  other: 'unix:///var/run/docker.sock',
};

export function resolveDockerEndpoint(inputs: EndpointInputs = {}): DockerEndpoint {
  const env = inputs.env ?? process.env;
  if (inputs.setting && inputs.setting.trim() !== '') return { host: inputs.setting.trim(), source: inputs.settingName ?? 'setting archlab.docker.host' };
  if (env.DOCKER_HOST && env.DOCKER_HOST.trim() !== '') return { host: env.DOCKER_HOST.trim(), source: 'DOCKER_HOST' };
  const configDir = inputs.dockerConfigDir ?? env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  const context = env.DOCKER_CONTEXT ?? currentContextName(configDir);
  if (context && context !== 'default') {
    const host = contextHost(configDir, context);
    if (host) return { host, source: `docker context "${context}"` };
  }
  const platform = inputs.platform ?? process.platform;
  return { host: platform === 'win32' ? DEFAULT_DOCKER_HOST.win32 : DEFAULT_DOCKER_HOST.other, source: 'the default socket' };
}

function currentContextName(configDir: string): string | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

/** Contexts live in contexts/meta/<sha256 of the name>/meta.json, as the docker CLI stores them. */
function contextHost(configDir: string, name: string): string | undefined {
  const id = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {
      Endpoints?: { docker?: { Host?: unknown } };
    };
    const host = meta.Endpoints?.docker?.Host;
    return typeof host === 'string' ? host : undefined;
  } catch {
    return undefined;
  }
}
