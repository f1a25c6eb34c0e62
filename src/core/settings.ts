// Archlab's settings, read from a plain object and validated: the VS Code layer passes
// workspace.getConfiguration('archlab') in; the CLI passes its flags. Bad values fall back to the default
// and produce a problem that says what is wrong and what a good value looks like.

export type MemoryProfile = 'small' | 'standard' | 'large';

export interface ArchlabSettings {
  /** Empty: the broker of the running Archlab stack. */
  kafkaBootstrapServers: string[];
  /** Empty: the Cassandra of the running Archlab stack. */
  cassandraContactPoints: string[];
  cassandraLocalDataCenter: string;
  /** Empty: DOCKER_HOST, then the current docker context. */
  dockerHost: string;
  /** Events per second; 0 means as fast as the broker takes them. */
  generatorEventsPerSecond: number;
  generatorSeed: number;
  memoryProfile: MemoryProfile;
  /** Compose files that replace the bundled stacks (custom or test stacks). */
  stackComposeFiles: { lambda?: string; kappa?: string };
  /** Start Lambda/Kappa also start the stack's pipeline jobs. */
  stacksStartJobs: boolean;
  /** Start Lambda/Kappa also start Grafana (its dashboards). */
  stacksGrafana: boolean;
}

export interface SettingProblem {
  key: string;
  message: string;
}

export const DEFAULT_SETTINGS: ArchlabSettings = {
  kafkaBootstrapServers: [],
  cassandraContactPoints: [],
  cassandraLocalDataCenter: 'datacenter1',
  dockerHost: '',
  generatorEventsPerSecond: 100,
  generatorSeed: 42,
  memoryProfile: 'standard',
  stackComposeFiles: {},
  stacksStartJobs: true,
  stacksGrafana: true,
};

/** The settings keys as they appear in package.json, relative to the `archlab.` section. */
export const SETTING_KEYS = {
  kafkaBootstrapServers: 'kafka.bootstrapServers',
  cassandraContactPoints: 'cassandra.contactPoints',
  cassandraLocalDataCenter: 'cassandra.localDataCenter',
  dockerHost: 'docker.host',
  generatorEventsPerSecond: 'generator.eventsPerSecond',
  generatorSeed: 'generator.seed',
  memoryProfile: 'memoryProfile',
  stackComposeFiles: 'stacks.composeFiles',
  stacksStartJobs: 'stacks.startJobs',
  stacksGrafana: 'stacks.grafana',
} as const satisfies Record<keyof ArchlabSettings, string>;

export const MAX_EVENTS_PER_SECOND = 1_000_000;
const MEMORY_PROFILES: readonly MemoryProfile[] = ['small', 'standard', 'large'];
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const DOCKER_HOST = /^(unix|tcp|npipe|ssh|http|https):\/\/\S+$/;

/** `host:port` with a port from 1 to 65535; `defaultPort` is appended when the port is missing. */
export function parseHostPort(value: string, defaultPort?: number): { host: string; port: number } | undefined {
  const text = value.trim();
  const withPort = defaultPort !== undefined && !/:\d+$/.test(text) ? `${text}:${defaultPort}` : text;
  const match = HOST_PORT.exec(withPort);
  if (!match) return undefined;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535 ? { host: match[1], port } : undefined;
}

type Reader = (key: string) => unknown;

export function validateSettings(read: Reader): { settings: ArchlabSettings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const settings: ArchlabSettings = { ...DEFAULT_SETTINGS };
  const problem = (field: keyof ArchlabSettings, message: string) =>
    problems.push({ key: `archlab.${SETTING_KEYS[field]}`, message: `archlab.${SETTING_KEYS[field]}: ${message}` });

  const hostList = (field: 'kafkaBootstrapServers' | 'cassandraContactPoints', example: string, defaultPort?: number) => {
    const value = read(SETTING_KEYS[field]);
    if (value === undefined || value === null) return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      problem(field, `must be a list of "host:port" strings, for example ["${example}"]; using the default.`);
      return;
    }
    const bad = value.filter((v) => !parseHostPort(v, defaultPort));
    if (bad.length > 0) {
      problem(field, `${bad.map((b) => `"${b}"`).join(', ')} is not a valid host:port (for example "${example}"); using the default.`);
      return;
    }
    settings[field] = value.map((v) => v.trim());
  };
  hostList('kafkaBootstrapServers', '127.0.0.1:9092');
  hostList('cassandraContactPoints', '127.0.0.1:9042', 9042);

  const dataCenter = read(SETTING_KEYS.cassandraLocalDataCenter);
  if (dataCenter !== undefined) {
    if (typeof dataCenter === 'string' && dataCenter.trim() !== '') settings.cassandraLocalDataCenter = dataCenter.trim();
    else problem('cassandraLocalDataCenter', 'must name the local data center, for example "datacenter1"; using "datacenter1".');
  }

  const dockerHost = read(SETTING_KEYS.dockerHost);
  if (dockerHost !== undefined) {
    if (typeof dockerHost === 'string' && (dockerHost.trim() === '' || DOCKER_HOST.test(dockerHost.trim()))) {
      settings.dockerHost = dockerHost.trim();
    } else {
      problem(
        'dockerHost',
        `"${String(dockerHost)}" is not a Docker endpoint such as "unix:///var/run/docker.sock" or "tcp://127.0.0.1:2375"; leave it empty to use DOCKER_HOST or the current docker context.`,
      );
    }
  }

  const rate = read(SETTING_KEYS.generatorEventsPerSecond);
  if (rate !== undefined) {
    if (typeof rate === 'number' && Number.isInteger(rate) && rate >= 0 && rate <= MAX_EVENTS_PER_SECOND) settings.generatorEventsPerSecond = rate;
    else
      problem(
        'generatorEventsPerSecond',
        `must be a whole number of events per second from 1 to ${MAX_EVENTS_PER_SECOND} (0 = as fast as possible), not ${JSON.stringify(rate)}; using ${DEFAULT_SETTINGS.generatorEventsPerSecond}.`,
      );
  }

  const seed = read(SETTING_KEYS.generatorSeed);
  if (seed !== undefined) {
    if (typeof seed === 'number' && Number.isSafeInteger(seed)) settings.generatorSeed = seed;
    else problem('generatorSeed', `must be a whole number, not ${JSON.stringify(seed)}; using ${DEFAULT_SETTINGS.generatorSeed}.`);
  }

  const profile = read(SETTING_KEYS.memoryProfile);
  if (profile !== undefined) {
    if (typeof profile === 'string' && (MEMORY_PROFILES as readonly string[]).includes(profile)) settings.memoryProfile = profile as MemoryProfile;
    else problem('memoryProfile', `must be one of ${MEMORY_PROFILES.join(', ')}, not ${JSON.stringify(profile)}; using "standard".`);
  }

  const composeFiles = read(SETTING_KEYS.stackComposeFiles);
  if (composeFiles !== undefined) {
    const entries = typeof composeFiles === 'object' && composeFiles !== null && !Array.isArray(composeFiles) ? Object.entries(composeFiles) : undefined;
    if (entries && entries.every(([stack, file]) => (stack === 'lambda' || stack === 'kappa') && typeof file === 'string' && file.trim() !== '')) {
      settings.stackComposeFiles = Object.fromEntries(entries.map(([stack, file]) => [stack, (file as string).trim()]));
    } else {
      problem(
        'stackComposeFiles',
        'must map "lambda" and/or "kappa" to a compose file path, for example { "kappa": "/path/to/compose.yaml" }; using the bundled stacks.',
      );
    }
  }

  const flag = (field: 'stacksStartJobs' | 'stacksGrafana') => {
    const value = read(SETTING_KEYS[field]);
    if (value === undefined) return;
    if (typeof value === 'boolean') settings[field] = value;
    else problem(field, `must be true or false, not ${JSON.stringify(value)}; using ${DEFAULT_SETTINGS[field]}.`);
  };
  flag('stacksStartJobs');
  flag('stacksGrafana');

  return { settings, problems };
}
