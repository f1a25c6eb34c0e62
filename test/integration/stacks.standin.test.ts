// The lab's compose files on the test bed's real Docker engine, with local stand-ins for the official images
// (test/stacks/standins.ts: Kafka 4.4.0, Cassandra 5.0.9, Hadoop 3.4.3 HDFS and Spark 3.5.7, built from the same
// Maven Central / PyPI artifacts, with the official paths, users and commands) and the lab's own Spark image built
// from its real Dockerfile. The compose files are used unchanged, with their real host ports:
//   - lambda's Kafka, Cassandra, NameNode, DataNode, Spark master and two workers come up with `--wait`, healthy;
//     the one-shots create the topic (3 partitions), the schema and the HDFS folders over the compose network;
//   - the host reaches Kafka (HOST listener), Cassandra, the NameNode and Spark UIs on 127.0.0.1 only;
//   - the real jobs run as the compose services define them: validation, speed layer and HDFS ingest (one core
//     each, executors on the workers), one batch cycle on demand; their views count the produced events exactly;
//   - kappa's Kafka runs beside lambda's (another project, port 29092, its own cluster);
//   - `down` keeps the named volumes and the next `up` finds the data; `down --volumes` leaves nothing.
//   - one batch cycle on demand runs on YARN (ResourceManager + NodeManager stand-ins, compose starts them for it).
// Not covered here: Grafana and kafka-ui (no stand-in can be built here); the whole stacks through Archlab's Start
// commands, kappa's Spark jobs and the per-container memory peaks are in test/vscode/labJourney.test.ts; the
// stand-ins' fidelity to the official images in standinFidelity.test.ts.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client, types } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { GRAFANA_PASSWORD_ENV, STACKS, memoryEnv, type StackName } from '../../src/core/stacks';
import { composePath, repoRoot } from '../stacks/model';
import { dockerBed, ensureIvyCache, ensureStandinImages, type StandinReport } from '../stacks/standins';

const exec = promisify(execFile);
const bedDir = process.env.ARCHLAB_TESTBED_DIR ?? path.join(repoRoot, '.testbed');
const logDir = path.join(bedDir, 'stacks');
const PROJECTS: Record<StackName, string> = { lambda: 'archlab-lambda-it', kappa: 'archlab-kappa-it' };
const LAMBDA_SERVICES = ['kafka', 'cassandra', 'namenode', 'datanode', 'spark-master', 'spark-worker'];
const LAMBDA_INITS = ['kafka-init', 'cassandra-init', 'hdfs-init'];
const JOBS = ['validation', 'speed-layer', 'hdfs-ingest'];
const SNACKS = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'];
/** apple 1, banana 2, ... milkyway 8: 36 events. */
const EXPECTED = Object.fromEntries(SNACKS.map((s, i) => [s, i + 1]));
const EVENTS = SNACKS.reduce((n, _, i) => n + i + 1, 0);

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lab stacks on the real Docker engine, with stand-in images (Kafka, Cassandra, HDFS, Spark and the jobs)', function () {
  this.timeout(900_000);
  const bed = dockerBed();
  const timings: Record<string, number> = {};
  let images: StandinReport[] = [];
  let volumesBefore = new Set<string>();

  const composeArgs = (stack: StackName, args: string[]) => ['compose', '--project-name', PROJECTS[stack], '--file', composePath(stack), ...args];
  const composeEnv = { ...bed.env, [GRAFANA_PASSWORD_ENV]: 'test-only-password' };
  const compose = async (stack: StackName, args: string[], timeoutMs = 600_000) => {
    try {
      return await exec(bed.cli, composeArgs(stack, args), { env: composeEnv, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
    } catch (error) {
      const logs = await exec(bed.cli, composeArgs(stack, ['logs', '--no-color', '--tail', '40']), { env: composeEnv, maxBuffer: 64 * 1024 * 1024 }).then(
        (r) => r.stdout,
        () => '',
      );
      throw new Error(`docker compose ${args.join(' ')} failed: ${(error as Error).message}\n--- compose logs ---\n${logs}`);
    }
  };
  const docker = (args: string[]) => exec(bed.cli, args, { env: bed.env, maxBuffer: 32 * 1024 * 1024 });
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[label] = (Date.now() - started) / 1000;
    }
  };

  interface PsEntry {
    Service: string;
    Name: string;
    State: string;
    Health: string;
    ExitCode: number;
  }
  const ps = async (stack: StackName): Promise<PsEntry[]> => {
    const text = (await compose(stack, ['ps', '--all', '--format', 'json'])).stdout.trim();
    if (!text) return [];
    return (text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l))) as PsEntry[];
  };

  /** Starts one-shots (their dependencies are up) and waits until each has exited with 0. */
  async function runOneShots(stack: StackName, services: string[]) {
    // Every profile: a one-shot of one profile may depend on a service of another (batch-once on spark-ivy-init).
    await compose(stack, ['--profile', '*', 'up', '--detach', ...services]);
    const deadline = Date.now() + 420_000;
    for (;;) {
      const entries = (await ps(stack)).filter((e) => services.includes(e.Service));
      const failed = entries.filter((e) => e.State === 'exited' && e.ExitCode !== 0);
      if (failed.length)
        throw new Error(
          `one-shots failed: ${failed.map((e) => `${e.Service} exit ${e.ExitCode}`).join(', ')}\n${(await compose(stack, ['logs', '--no-color', '--tail', '60', ...services])).stdout}`,
        );
      if (entries.length === services.length && entries.every((e) => e.State === 'exited')) return;
      if (Date.now() > deadline) throw new Error(`one-shots still running: ${JSON.stringify(entries)}`);
      await sleep(1000);
    }
  }

  async function assertHealthy(stack: StackName, services: string[]) {
    const entries = await ps(stack);
    for (const service of services) {
      const mine = entries.filter((x) => x.Service === service);
      assert.ok(mine.length > 0, `${service} has a container`);
      for (const e of mine) {
        assert.equal(e.State, 'running', `${e.Name} is running`);
        assert.equal(e.Health, 'healthy', `${e.Name} is healthy`);
      }
    }
  }

  async function withCassandra<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ contactPoints: [STACKS.lambda.endpoints.cassandraContactPoint], localDataCenter: 'datacenter1' });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.shutdown();
    }
  }

  const viewCounts = (c: Client, view: string, version = 0) =>
    c
      .execute('SELECT item, count FROM archlab.view_counts WHERE "view" = ? AND version = ?', [view, version], { prepare: true })
      .then((rs) => Object.fromEntries(rs.rows.map((r) => [r.get('item') as string, (r.get('count') as types.Long).toNumber()])));

  const kafkaClient = (bootstrap: string) =>
    new Kafka({ clientId: 'archlab-stacks-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });

  const sparkMaster = async () =>
    (await fetch(STACKS.lambda.endpoints.sparkMasterJson)).json() as Promise<{
      status: string;
      aliveworkers: number;
      workers: { state: string; cores: number; memory: number }[];
      activeapps: { name: string; cores: number; memoryperslave: number; state: string }[];
    }>;

  before(async () => {
    images = await timed('images', () => ensureStandinImages(bed, logDir));
    volumesBefore = new Set((await docker(['volume', 'ls', '--quiet'])).stdout.split('\n').filter(Boolean));
    // A clean slate for these projects (a crashed earlier run), and the stacks' host ports free.
    for (const stack of ['lambda', 'kappa'] as StackName[]) await compose(stack, ['--profile', '*', 'down', '--volumes', '--remove-orphans', '--timeout', '5']);
    for (const port of [19092, 19042, 19870, 18080, 29092]) {
      assert.equal(await portInUse(port), false, `port ${port} of the lab stacks is free on 127.0.0.1 (something else listens there)`);
    }
  });

  after(async () => {
    for (const stack of ['lambda', 'kappa'] as StackName[]) {
      await compose(stack, ['--profile', '*', 'down', '--volumes', '--remove-orphans', '--timeout', '10']).catch((e: Error) => console.error(e.message));
    }
    // Anonymous volumes (VOLUME of the Kafka image) of containers removed by the plain `down` above.
    const dangling = (await docker(['volume', 'ls', '--quiet', '--filter', 'dangling=true'])).stdout
      .split('\n')
      .filter((v) => /^[0-9a-f]{64}$/.test(v) && !volumesBefore.has(v));
    if (dangling.length) await docker(['volume', 'rm', ...dangling]).catch((e: Error) => console.error(e.message));
    fs.mkdirSync(logDir, { recursive: true });
    fs.writeFileSync(path.join(logDir, 'timings.json'), JSON.stringify({ images, timings }, null, 2));
    console.log(`      stand-in images: ${images.map((i) => `${i.tag} ${i.built ? `built in ${i.seconds.toFixed(0)} s` : 'cached'}`).join(', ')}`);
    console.log(`      timings (s): ${JSON.stringify(timings)}`);
  });

  it('lambda: Kafka, Cassandra, NameNode, DataNode, the Spark master and two workers come up with --wait, healthy', async () => {
    await timed('lambda up --wait', () => compose('lambda', ['up', '--detach', '--wait', '--wait-timeout', '480', ...LAMBDA_SERVICES]));
    await assertHealthy('lambda', LAMBDA_SERVICES);
    const std = memoryEnv('lambda', 'standard');
    const master = await sparkMaster();
    assert.equal(master.status, 'ALIVE');
    assert.equal(master.aliveworkers, Number(std.ARCHLAB_SPARK_WORKERS));
    for (const w of master.workers) {
      assert.equal(w.cores, Number(std.ARCHLAB_SPARK_WORKER_CORES));
      assert.equal(w.memory, 1024, 'SPARK_WORKER_MEMORY of the standard profile');
    }
  });

  it('lambda: the one-shots create the topic (3 partitions), the schema and the HDFS folders over the compose network', async () => {
    await timed('lambda inits', () => runOneShots('lambda', LAMBDA_INITS));
    const logs = (await compose('lambda', ['logs', '--no-color', 'kafka-init', 'hdfs-init'])).stdout;
    assert.match(logs, /PartitionCount: 3/);
    assert.match(logs, /\/archlab\/master/);
  });

  it('lambda: publishes on 127.0.0.1 only; the host reaches Kafka through its HOST listener, Cassandra and the NameNode UI', async () => {
    for (const e of await ps('lambda')) {
      if (e.State !== 'running') continue;
      const { stdout } = await docker(['inspect', '--format', '{{json .HostConfig.PortBindings}}', e.Name]);
      for (const bindings of Object.values(JSON.parse(stdout) ?? {}) as { HostIp: string }[][]) {
        for (const b of bindings) assert.equal(b.HostIp, '127.0.0.1', `${e.Service} binds ${JSON.stringify(b)}`);
      }
    }
    const admin = kafkaClient(STACKS.lambda.endpoints.kafkaBootstrap).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.deepEqual(
        cluster.brokers.map((b) => `${b.host}:${b.port}`),
        ['127.0.0.1:19092'],
        'the broker advertises 127.0.0.1:19092 to the host',
      );
      assert.equal((await admin.fetchTopicMetadata({ topics: ['snack_automat_message'] })).topics[0].partitions.length, 3);
    } finally {
      await admin.disconnect();
    }
    const tables = await withCassandra(async (c) =>
      (await c.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'archlab'")).rows.map((r) => r.get('table_name')).sort(),
    );
    assert.deepEqual(tables, ['job_requests', 'job_status', 'speed_buckets', 'truth', 'view_counts', 'view_pointer']);
    const res = await fetch(`${STACKS.lambda.endpoints.webhdfs}/archlab?op=LISTSTATUS&user.name=hadoop`);
    assert.equal(res.status, 200);
    const listing = (await res.json()) as { FileStatuses: { FileStatus: { pathSuffix: string }[] } };
    assert.deepEqual(listing.FileStatuses.FileStatus.map((f) => f.pathSuffix).sort(), ['checkpoints', 'master']);
    await compose('lambda', ['exec', '-T', 'namenode', 'bash', '-c', 'echo standin-probe | hdfs dfs -put - /archlab/probe.txt']);
  });

  it('lambda: the real jobs run as defined (validation, speed layer, HDFS ingest; one batch cycle on demand) and count exactly', async () => {
    // Offline here: the Ivy volume starts from the test bed's Ivy cache (the connectors --packages names).
    const ivy = await ensureIvyCache();
    await compose('lambda', [
      'run',
      '--rm',
      '--no-deps',
      '-T',
      '--user',
      'root',
      '--volume',
      `${ivy}:/seed:ro`,
      '--entrypoint',
      'bash',
      'speed-layer',
      '-c',
      'cp -a /seed/. /opt/archlab/ivy/ && chown -R spark:spark /opt/archlab/ivy',
    ]);
    const producer = kafkaClient(STACKS.lambda.endpoints.kafkaBootstrap).producer({ idempotent: true });
    await producer.connect();
    const messages = SNACKS.flatMap((item, i) =>
      Array.from({ length: i + 1 }, (_, n) => ({
        key: `${item}-${n}`,
        value: JSON.stringify({
          event_id: `standin-${item}-${n}`,
          snack_automat_id: 'SNACK--1',
          customer_id: n,
          item,
          price: 1,
          healthy_food: i < 4,
          category: i < 4 ? 'healthy' : 'not_healthy',
          timestamp: new Date().toISOString(),
        }),
      })),
    );
    await producer.send({ topic: 'snack_automat_message', acks: -1, messages: [...messages, { key: 'junk', value: 'not json' }] });
    await producer.disconnect();

    await timed('jobs up --wait', () => compose('lambda', ['up', '--detach', '--wait', '--wait-timeout', '480', ...JOBS]));
    await assertHealthy('lambda', JOBS);
    const deadline = Date.now() + 240_000;
    let last: unknown;
    for (;;) {
      const state = await withCassandra(async (c) => ({
        validation: await viewCounts(c, 'validation'),
        serving: await viewCounts(c, 'serving'),
        ingest: (await c.execute("SELECT rows_written FROM archlab.job_status WHERE job = 'hdfs_ingest'")).first()?.get('rows_written')?.toNumber(),
      }));
      last = state;
      if (
        JSON.stringify(state.validation) === JSON.stringify(sortKeys(EXPECTED)) &&
        JSON.stringify(state.serving) === JSON.stringify(sortKeys(EXPECTED)) &&
        state.ingest === EVENTS + 1
      )
        break;
      if (Date.now() > deadline)
        throw new Error(
          `views did not reach the expected counts: ${JSON.stringify(last)}\n${(await compose('lambda', ['logs', '--no-color', '--tail', '30', ...JOBS])).stdout}`,
        );
      await sleep(3000);
    }
    timings['jobs counted'] = (Date.now() - deadline + 240_000) / 1000;
    const apps = (await sparkMaster()).activeapps;
    assert.equal(apps.length, 2, `two Spark apps: ${JSON.stringify(apps)}`);
    for (const app of apps) assert.equal(app.cores, 1, `${app.name} holds one core (spark.cores.max)`);

    await timed('batch-once', () => runOneShots('lambda', ['batch-once']));
    await withCassandra(async (c) => {
      const pointer = (await c.execute(`SELECT version, bucket_size FROM archlab.view_pointer WHERE "view" = 'batch'`)).first();
      assert.ok(pointer, 'the batch cycle published a version');
      assert.equal(pointer.get('bucket_size'), 100);
      assert.deepEqual(await viewCounts(c, 'serving'), sortKeys(EXPECTED), 'serving = batch + speed still equals the truth');
    });
    const files = (await compose('lambda', ['exec', '-T', 'namenode', 'hdfs', 'dfs', '-ls', '-R', '/archlab/master'])).stdout;
    assert.match(files, /partition=0\/segment=0\/part-.*\.parquet/, 'the master dataset is in HDFS, written by the executors');
    assert.match(files, /^-\S+\s+1 /m, 'with one replica (spark.hadoop.dfs.replication=1)');
  });

  it("kappa: its Kafka runs beside lambda's (another project, 127.0.0.1:29092, its own cluster and topic)", async () => {
    await timed('kappa kafka up --wait', () => compose('kappa', ['up', '--detach', '--wait', '--wait-timeout', '300', 'kafka']));
    await timed('kappa kafka-init', () => runOneShots('kappa', ['kafka-init']));
    await assertHealthy('kappa', ['kafka']);
    await assertHealthy('lambda', LAMBDA_SERVICES);
    const admin = kafkaClient(STACKS.kappa.endpoints.kafkaBootstrap).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.equal(cluster.clusterId, 'QXJjaGxhYkthcHBhMDAwMQ');
      assert.deepEqual(
        cluster.brokers.map((b) => `${b.host}:${b.port}`),
        ['127.0.0.1:29092'],
      );
      const offsets = await admin.fetchTopicOffsets('snack_automat_message');
      assert.equal(offsets.length, 3);
      assert.ok(
        offsets.every((o) => o.high === '0'),
        "kappa's log is its own (empty)",
      );
    } finally {
      await admin.disconnect();
    }
    const networks = (await docker(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n');
    assert.ok(networks.includes(`${PROJECTS.lambda}_default`) && networks.includes(`${PROJECTS.kappa}_default`));
  });

  it('lambda: `down` keeps the named volumes; the next `up` finds the log, the views, HDFS and the same cluster', async () => {
    // Every profile: a plain `down` of compose 2.26 may leave the (profile) job containers running.
    await timed('lambda down', () => compose('lambda', ['--profile', '*', 'down', '--timeout', '60']));
    assert.deepEqual(await ps('lambda'), []);
    const anonymous = (await docker(['volume', 'ls', '--quiet', '--filter', 'dangling=true'])).stdout
      .split('\n')
      .filter((v) => /^[0-9a-f]{64}$/.test(v) && !volumesBefore.has(v));
    assert.deepEqual(anonymous, [], "no anonymous volume left behind (the images' other VOLUME paths are tmpfs)");
    const { stdout } = await docker(['volume', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${PROJECTS.lambda}`]);
    const volumes = stdout.split('\n').filter(Boolean);
    for (const v of ['kafka-data', 'cassandra-data', 'namenode-data', 'datanode-data', 'spark-ivy', 'spark-checkpoints']) {
      assert.ok(volumes.includes(`${PROJECTS.lambda}_${v}`), `${v} kept: ${volumes}`);
    }

    await timed('lambda up again', () => compose('lambda', ['up', '--detach', '--wait', '--wait-timeout', '480', ...LAMBDA_SERVICES]));
    await assertHealthy('lambda', LAMBDA_SERVICES);
    await timed('lambda inits again', () => runOneShots('lambda', LAMBDA_INITS));
    const admin = kafkaClient(STACKS.lambda.endpoints.kafkaBootstrap).admin();
    await admin.connect();
    try {
      assert.equal((await admin.describeCluster()).clusterId, 'QXJjaGxhYkxhbWJkYTAwMQ');
      const offsets = await admin.fetchTopicOffsets('snack_automat_message');
      assert.equal(
        offsets.reduce((n, o) => n + Number(o.high), 0),
        EVENTS + 1,
        'the events sent before `down` are still in the log',
      );
    } finally {
      await admin.disconnect();
    }
    await withCassandra(async (c) => assert.deepEqual(await viewCounts(c, 'validation'), sortKeys(EXPECTED)));
    const cat = await compose('lambda', ['exec', '-T', 'namenode', 'hdfs', 'dfs', '-cat', '/archlab/probe.txt']);
    assert.equal(cat.stdout.trim(), 'standin-probe');
    const namenodeLogs = (await compose('lambda', ['logs', '--no-color', 'namenode'])).stdout;
    assert.doesNotMatch(namenodeLogs, /has been successfully formatted/, 'the name directory kept in the volume is not formatted again');
  });

  it('`down --volumes` leaves no container, network or volume of either project', async () => {
    for (const stack of ['lambda', 'kappa'] as StackName[]) {
      await timed(`${stack} down -v`, () => compose(stack, ['--profile', '*', 'down', '--volumes', '--timeout', '30']));
      const filter = `label=com.docker.compose.project=${PROJECTS[stack]}`;
      assert.equal((await docker(['ps', '--all', '--quiet', '--filter', filter])).stdout.trim(), '');
      assert.equal((await docker(['volume', 'ls', '--quiet', '--filter', filter])).stdout.trim(), '');
      assert.equal((await docker(['network', 'ls', '--quiet', '--filter', filter])).stdout.trim(), '');
    }
  });
});

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}
