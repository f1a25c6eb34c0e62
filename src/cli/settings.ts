// The CLI's settings: the same keys and validation as the extension's (src/core/settings), read from flags and
// then from ARCHLAB_* environment variables, so a script and the editor point at the same lab.
import { SETTING_KEYS, validateSettings, type ArchlabSettings, type SettingProblem } from '../core/settings';

export interface ConnectionFlags {
  kafka?: string;
  cassandra?: string;
  dataCenter?: string;
  dockerHost?: string;
  profile?: string;
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);

export function cliSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): { settings: ArchlabSettings; problems: SettingProblem[] } {
  const values: Record<string, unknown> = {
    [SETTING_KEYS.kafkaBootstrapServers]: list(flags.kafka ?? env.ARCHLAB_KAFKA),
    [SETTING_KEYS.cassandraContactPoints]: list(flags.cassandra ?? env.ARCHLAB_CASSANDRA),
    [SETTING_KEYS.cassandraLocalDataCenter]: flags.dataCenter ?? env.ARCHLAB_CASSANDRA_DC,
    [SETTING_KEYS.dockerHost]: flags.dockerHost ?? env.ARCHLAB_DOCKER_HOST,
    [SETTING_KEYS.memoryProfile]: flags.profile ?? env.ARCHLAB_MEMORY_PROFILE,
  };
  return validateSettings((key) => values[key]);
}
