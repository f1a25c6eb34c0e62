// Heavy client libraries (dockerode, kafkajs, cassandra-driver) are bundled apart from the activation bundle
// (dist/<name>.js, see scripts/build.mjs) and required here on first use, so activation stays small.
import * as fs from 'node:fs';
import * as path from 'node:path';

type DockerBundle = typeof import('./docker/index');

const loaded = new Map<string, unknown>();

function load<T>(name: string): T {
  if (!loaded.has(name)) {
    // dist/<name>.js when bundled; <name>/index.js when run from the TypeScript output (the integration tests).
    const bundle = path.join(__dirname, `${name}.js`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle file next to this one, resolved at run time
    loaded.set(name, require(fs.existsSync(bundle) ? bundle : path.join(__dirname, name, 'index.js')));
  }
  return loaded.get(name) as T;
}

export const dockerBundle = (): DockerBundle => load<DockerBundle>('docker');

type KafkaBundle = typeof import('./kafka/index');
export const kafkaBundle = (): KafkaBundle => load<KafkaBundle>('kafka');

type CassandraBundle = typeof import('./cassandra/index');
export const cassandraBundle = (): CassandraBundle => load<CassandraBundle>('cassandra');

type ChartsBundle = typeof import('./charts/index');
export const chartsBundle = (): ChartsBundle => load<ChartsBundle>('charts');
