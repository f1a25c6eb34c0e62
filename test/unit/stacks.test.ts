// The stack catalog (src/core/stacks.ts) and the compose files it describes, read as data: what the issue asks of
// every service (127.0.0.1 ports, healthchecks, memory limits, pinned images, volumes), the Spark job settings,
// the Grafana provisioning, and that catalog and files agree. `docker compose config` itself runs in
// test/integration/stacks.compose.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  GRAFANA_DATASOURCE_UID,
  GRAFANA_PASSWORD_ENV,
  IMAGES,
  SPARK_PACKAGES,
  STACK_NAMES,
  STACKS,
  VERSIONS,
  memoryBudget,
  memoryEnv,
  parseMemory,
  stackOfProject,
  type MemoryProfile,
  type StackName,
} from '../../src/core/stacks';
import { LAB_KEYSPACE, SNACK_TOPIC, SNACK_TOPIC_PARTITIONS } from '../../src/core/snacks';
import { DEFAULT_SETTINGS, type ArchlabSettings } from '../../src/core/settings';
import { StackService, type StackServiceOptions } from '../../src/services/stacks';
import {
  commandLine,
  interpolations,
  isOneShot,
  loadCompose,
  loadDashboard,
  publishedPorts,
  repoRoot,
  variableQuery,
  withDefaults,
  type ComposeService,
} from '../stacks/model';

const PROFILES: MemoryProfile[] = ['small', 'standard', 'large'];
const GiB = 1024;

function dockerfileFrom(file: string): string {
  const text = fs.readFileSync(path.join(repoRoot, 'lab-stacks', file), 'utf8');
  const arg = /^ARG\s+(\w+)=(\S+)/m.exec(text);
  const from = /^FROM\s+(\S+)/m.exec(text)?.[1] ?? '';
  return arg && from === `\${${arg[1]}}` ? arg[2] : from;
}

function imageOf(service: ComposeService): string {
  if (service.image) return service.image;
  throw new Error('service without image');
}

function assertPinned(image: string, where: string): void {
  assert.match(image, /^[a-z0-9./-]+:[A-Za-z0-9._-]+$/, `${where}: ${image} names a tag`);
  const tag = image.split(':').at(-1) ?? '';
  assert.notEqual(tag, 'latest', `${where}: no latest`);
  assert.match(tag, /^v?\d+\.\d+\.\d+/, `${where}: ${image} is pinned to an exact version`);
  assert.doesNotMatch(image, /bitnami|control-center|confluentinc/i, `${where}: ${image} is not bitnami or Control Center`);
}

describe('stack catalog (src/core/stacks.ts)', () => {
  it('keeps the names the commands use: lambda and kappa, titles, distinct compose projects and files', () => {
    assert.deepEqual(STACK_NAMES, ['lambda', 'kappa']);
    assert.equal(STACKS.lambda.title, 'Lambda');
    assert.equal(STACKS.kappa.title, 'Kappa');
    assert.equal(STACKS.lambda.composeProject, 'archlab-lambda');
    assert.equal(STACKS.kappa.composeProject, 'archlab-kappa');
    assert.equal(STACKS.lambda.composeFile, 'lab-stacks/lambda/compose.yaml');
    assert.equal(STACKS.kappa.composeFile, 'lab-stacks/kappa/compose.yaml');
    const service = (composeFiles: ArchlabSettings['stackComposeFiles']) =>
      new StackService({
        settings: () => ({ ...DEFAULT_SETTINGS, stackComposeFiles: composeFiles }),
        extensionRoot: '/ext',
        workspaceRoot: () => '/work',
      } as unknown as StackServiceOptions);
    assert.equal(service({}).composeFile('kappa'), path.join('/ext', 'lab-stacks', 'kappa', 'compose.yaml'));
    assert.equal(service({ kappa: 'mine/compose.yaml' }).composeFile('kappa'), path.join('/work', 'mine', 'compose.yaml'), 'relative to the workspace');
    assert.equal(service({ kappa: '/abs/compose.yaml' }).composeFile('kappa'), '/abs/compose.yaml');
    assert.equal(stackOfProject('archlab-kappa')?.name, 'kappa');
    assert.equal(stackOfProject('other'), undefined);
  });

  it('ships every asset it names (compose file, jobs, image, provisioning, dashboard)', () => {
    for (const stack of Object.values(STACKS)) {
      for (const asset of stack.assets) assert.ok(fs.existsSync(path.join(repoRoot, asset)), `${stack.name}: ${asset} exists`);
    }
  });

  it('gives the UIs of both stacks distinct 127.0.0.1 URLs, served by catalogued services', () => {
    const urls = Object.values(STACKS).flatMap((s) => s.uis.map((u) => u.url));
    assert.equal(new Set(urls).size, urls.length);
    for (const stack of Object.values(STACKS)) {
      for (const ui of stack.uis) {
        assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
        assert.ok(
          stack.services.some((s) => s.name === ui.service),
          `${stack.name}: ${ui.id} served by ${ui.service}`,
        );
      }
    }
    assert.deepEqual(
      STACKS.lambda.uis.map((u) => [u.id, u.url]),
      [
        ['grafana', 'http://127.0.0.1:13000/'],
        ['spark', 'http://127.0.0.1:18080/'],
        ['hdfs', 'http://127.0.0.1:19870/'],
        ['yarn', 'http://127.0.0.1:18088/'],
        ['kafka-ui', 'http://127.0.0.1:18081/'],
      ],
    );
    assert.deepEqual(
      STACKS.kappa.uis.map((u) => [u.id, u.url]),
      [
        ['grafana', 'http://127.0.0.1:23000/'],
        ['spark', 'http://127.0.0.1:28080/'],
        ['kafka-ui', 'http://127.0.0.1:28081/'],
      ],
    );
  });

  it('lists the jobs with their compose service, job file and Spark cores', () => {
    assert.deepEqual(
      STACKS.lambda.jobs.map((j) => j.id),
      ['speed_layer', 'hdfs_ingest', 'batch_layer', 'validation'],
    );
    assert.deepEqual(
      STACKS.kappa.jobs.map((j) => j.id),
      ['kappa_stream', 'kappa_replay', 'validation'],
    );
    for (const stack of Object.values(STACKS)) {
      for (const job of stack.jobs) {
        assert.ok(
          stack.services.some((s) => s.name === job.service && s.kind === 'job'),
          `${stack.name}: ${job.service} is a job service`,
        );
        assert.match(job.file, /^lab-stacks\/jobs\/\w+\.py$/);
        assert.ok(fs.existsSync(path.join(repoRoot, job.file)), `${job.file} exists`);
        if (job.onDemandService) assert.equal(stack.services.find((s) => s.name === job.onDemandService)?.kind, 'task');
        assert.equal(job.sparkCores, job.engine === 'python' ? 0 : 1);
      }
    }
  });

  it('has small, standard and large memory profiles with the same variables; standard fits a 16 GB laptop', () => {
    for (const name of STACK_NAMES) {
      const keys = Object.keys(memoryEnv(name, 'standard')).sort();
      for (const profile of PROFILES) {
        assert.deepEqual(Object.keys(memoryEnv(name, profile)).sort(), keys, `${name} ${profile} has the same variables`);
        for (const [key, value] of Object.entries(memoryEnv(name, profile))) {
          if (/_WORKERS$|_CORES$/.test(key)) assert.match(value, /^[1-9]\d*$/, `${key}=${value}`);
          else assert.ok(parseMemory(value) > 0, `${key}=${value}`);
        }
      }
      const [small, standard, large] = PROFILES.map((p) => memoryBudget(name, p).totalMiB);
      assert.ok(small < standard && standard < large, `${name}: ${small} < ${standard} < ${large} MiB`);
    }
    assert.ok(memoryBudget('lambda', 'standard').totalMiB <= 9.5 * GiB, `lambda standard ${memoryBudget('lambda', 'standard').totalMiB} MiB`);
    assert.ok(memoryBudget('kappa', 'standard').totalMiB <= 6 * GiB, `kappa standard ${memoryBudget('kappa', 'standard').totalMiB} MiB`);
    // Both stacks side by side, every job running, stay well inside 16 GB in the standard profile.
    assert.ok(memoryBudget('lambda', 'standard').totalMiB + memoryBudget('kappa', 'standard').totalMiB <= 15 * GiB);
  });

  it('parses Docker and JVM memory sizes', () => {
    assert.equal(parseMemory('640m'), 640);
    assert.equal(parseMemory('1g'), 1024);
    assert.equal(parseMemory('512M'), 512);
    assert.equal(parseMemory('2048k'), 2);
    assert.throws(() => parseMemory('lots'), /not a memory size/);
  });

  it('pins the versions of the test bed (test/services/*.mjs, test/python/requirements.txt)', () => {
    const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), 'utf8');
    assert.match(read('test/services/kafka.mjs'), new RegExp(`'${VERSIONS.kafka}'`));
    assert.match(read('test/services/cassandra.mjs'), new RegExp(`CASSANDRA_VERSION = '${VERSIONS.cassandra}'`));
    assert.match(read('test/services/hdfs.mjs'), new RegExp(`HADOOP_VERSION = '${VERSIONS.hadoop}'`));
    assert.match(read('test/services/spark.mjs'), new RegExp(`SPARK_VERSION = '${VERSIONS.spark}'`));
    assert.match(read('test/services/spark.mjs'), new RegExp(`CASSANDRA_CONNECTOR_VERSION = '${VERSIONS.sparkCassandraConnector}'`));
    assert.match(read('test/python/requirements.txt'), new RegExp(`^pyspark==${VERSIONS.spark.replace(/\./g, '\\.')}$`, 'm'));
    assert.equal(dockerfileFrom('images/jobs/Dockerfile'), IMAGES.sparkBase);
  });
});

for (const name of STACK_NAMES) {
  describe(`${name} compose file (${STACKS[name].composeFile})`, () => {
    const stack = STACKS[name];
    const compose = loadCompose(name);
    const text = fs.readFileSync(path.join(repoRoot, stack.composeFile), 'utf8');
    const services = Object.entries(compose.services);

    it(`is project ${stack.composeProject} and defines exactly the catalogued services`, () => {
      assert.equal(compose.name, stack.composeProject);
      assert.deepEqual(Object.keys(compose.services).sort(), stack.services.map((s) => s.name).sort());
      for (const s of stack.services) {
        const c = compose.services[s.name];
        assert.equal(imageOf(c), s.image, `${s.name} image`);
        assert.deepEqual(c.profiles ?? [], s.profile ? [s.profile] : [], `${s.name} profile`);
        assert.equal(isOneShot(c), s.kind === 'init' || s.kind === 'task', `${s.name}: one-shot exactly when it is an init service or a task`);
        assert.equal(c.container_name, undefined, `${s.name}: no fixed container name (both stacks can run)`);
        assert.equal(c.network_mode, undefined, `${s.name}: on the project network`);
      }
      const profiles = new Set(services.flatMap(([, c]) => c.profiles ?? []));
      assert.deepEqual([...profiles].sort(), [...stack.profiles].sort());
    });

    it('publishes every port on 127.0.0.1 only, and each catalogued UI on its port', () => {
      for (const [service, c] of services) {
        for (const p of publishedPorts(c)) assert.equal(p.hostIp, '127.0.0.1', `${service} publishes ${p.hostPort} on 127.0.0.1`);
      }
      for (const ui of stack.uis) {
        const port = Number(new URL(ui.url).port);
        assert.ok(
          publishedPorts(compose.services[ui.service]).some((p) => p.hostPort === port),
          `${ui.id} on ${port}`,
        );
      }
      const published = (svc: string) => publishedPorts(compose.services[svc]).map((p) => p.hostPort);
      assert.ok(published('kafka').includes(Number(stack.endpoints.kafkaBootstrap.split(':')[1])));
      assert.ok(published('cassandra').includes(Number(stack.endpoints.cassandraContactPoint.split(':')[1])));
    });

    it('gives every long-running service a healthcheck, a memory limit and a restart policy', () => {
      for (const [service, c] of services) {
        assert.ok(c.mem_limit, `${service} has mem_limit`);
        assert.ok(parseMemory(withDefaults(c.mem_limit)) > 0, `${service} mem_limit ${c.mem_limit}`);
        if (isOneShot(c)) continue;
        assert.ok(c.healthcheck && !c.healthcheck.disable, `${service} has a healthcheck`);
        const test = c.healthcheck.test;
        assert.ok(Array.isArray(test) && ['CMD', 'CMD-SHELL'].includes(test[0]) && test.length > 1, `${service} healthcheck test`);
        for (const key of ['interval', 'timeout', 'retries', 'start_period'] as const) assert.ok(c.healthcheck[key], `${service} healthcheck.${key}`);
        assert.match(c.restart ?? '', /^on-failure/, `${service} restarts on failure`);
      }
    });

    it('orders start-up with depends_on conditions: healthy services, completed one-shots', () => {
      for (const [service, c] of services) {
        if (!c.depends_on) continue;
        assert.ok(!Array.isArray(c.depends_on), `${service}: depends_on with conditions`);
        for (const [dep, { condition }] of Object.entries(c.depends_on)) {
          const target = compose.services[dep];
          assert.ok(target, `${service} depends on ${dep}`);
          assert.equal(condition, isOneShot(target) ? 'service_completed_successfully' : 'service_healthy', `${service} -> ${dep}`);
          assert.ok(
            !target.profiles || target.profiles.every((p) => c.profiles?.includes(p) || (p === 'jobs' && c.profiles !== undefined)),
            `${service} depends only on services that start with the stack or with its own profile`,
          );
        }
      }
      for (const job of stack.jobs) {
        const deps = Object.keys(compose.services[job.service].depends_on ?? {});
        assert.ok(deps.includes('kafka-init') && deps.includes('cassandra-init'), `${job.service} waits for the topic and schema`);
      }
    });

    it('pins every image (no latest, no bitnami, no Control Center); the built Spark image is pinned too', () => {
      for (const [service, c] of services) assertPinned(imageOf(c), service);
      assertPinned(dockerfileFrom('images/jobs/Dockerfile'), 'lab-stacks/images/jobs/Dockerfile');
      assert.doesNotMatch(text, /bitnami|latest/i);
      for (const [service, c] of services) {
        if (!c.build) continue;
        assert.equal(c.image, IMAGES.labSpark, `${service} builds the lab Spark image`);
        assert.deepEqual(c.build, { context: '..', dockerfile: 'images/jobs/Dockerfile' });
      }
    });

    it('keeps the data in named volumes: Kafka, Cassandra, Grafana, Spark checkpoints and Ivy (and HDFS in lambda)', () => {
      const declared = Object.keys(compose.volumes ?? {}).sort();
      assert.deepEqual(declared, [...stack.volumes].sort());
      const mount = (svc: string, target: string) =>
        (compose.services[svc].volumes ?? []).some((v) => typeof v === 'string' && v.split(':')[1] === target && declared.includes(v.split(':')[0]));
      assert.ok(mount('kafka', '/var/lib/kafka/data'));
      assert.equal(compose.services.kafka.environment?.KAFKA_LOG_DIRS, '/var/lib/kafka/data');
      assert.ok(mount('cassandra', '/var/lib/cassandra'));
      assert.ok(mount('grafana', '/var/lib/grafana'));
      if (name === 'lambda') {
        assert.ok(mount('namenode', '/data'));
        assert.ok(mount('datanode', '/data'));
        assert.equal(compose.services.namenode.environment?.['HDFS-SITE.XML_dfs.namenode.name.dir'], 'file:///data/namenode');
        assert.equal(compose.services.namenode.environment?.ENSURE_NAMENODE_DIR, '/data/namenode');
      }
    });

    it('runs the official images as their entry points expect (the stand-in fidelity tests check each point at run time)', () => {
      const hadoop = [...services].filter(([, c]) => c.image === IMAGES.hadoop);
      if (name === 'lambda') assert.ok(hadoop.length >= 5, 'namenode, datanode, hdfs-init, resourcemanager, nodemanager');
      for (const [service, c] of hadoop) {
        // The starter runs its command as an unquoted $@: an argument with a space would be split into words.
        assert.ok(Array.isArray(c.command), `${service}: command as a list`);
        for (const arg of c.command as string[]) assert.doesNotMatch(arg, /\s/, `${service}: "${arg}" survives the starter's unquoted $@`);
        assert.equal(c.entrypoint, undefined, `${service} keeps the image's starter`);
        // The starter's `sudo chmod o+rwx /data` (set -e) fails without one.
        const mountsData = (c.volumes ?? []).some((v) => typeof v === 'string' && v.split(':')[1] === '/data');
        assert.ok(mountsData || ((c as { tmpfs?: string[] }).tmpfs ?? []).includes('/data'), `${service} has a /data`);
      }
      if (name === 'lambda') {
        const env = compose.services.resourcemanager.environment ?? {};
        assert.equal(env['YARN-SITE.XML_yarn.resourcemanager.bind-host'], '0.0.0.0', 'the RM web UI answers the healthcheck on localhost');
        assert.equal(env['YARN-SITE.XML_yarn.nodemanager.bind-host'], '0.0.0.0');
        const disk = Number(env['YARN-SITE.XML_yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage']);
        assert.ok(disk >= 99, `a nearly full laptop disk keeps the NodeManager healthy (${disk} %)`);
      }
      // One resolver fills the shared Ivy volume before any job resolves from it.
      const sparkJobs = [...services].filter(([, c]) => commandLine(c).startsWith('spark-submit') && c !== compose.services['spark-ivy-init']);
      assert.ok(compose.services['spark-ivy-init'], 'spark-ivy-init');
      for (const [service, c] of sparkJobs) {
        const deps = c.depends_on as Record<string, { condition: string }>;
        assert.equal(deps['spark-ivy-init']?.condition, 'service_completed_successfully', `${service} waits for spark-ivy-init`);
      }
      assert.ok(commandLine(compose.services['spark-ivy-init']).includes(`--packages=${SPARK_PACKAGES.join(',')}`), 'resolves what the jobs use');
      assert.doesNotMatch(text, /spark-cassandra-connector/, 'no job uses the Cassandra connector');
    });

    it('lets Kafka advertise a listener the host reaches and one for the compose network', () => {
      const env = compose.services.kafka.environment ?? {};
      const advertised = String(env.KAFKA_ADVERTISED_LISTENERS).split(',');
      assert.ok(advertised.includes('INTERNAL://kafka:9092'), 'kafka:9092 for the containers');
      assert.ok(advertised.includes(`HOST://${stack.endpoints.kafkaBootstrap}`), `${stack.endpoints.kafkaBootstrap} for the host`);
      const hostPort = Number(stack.endpoints.kafkaBootstrap.split(':')[1]);
      assert.ok(publishedPorts(compose.services.kafka).some((p) => p.hostPort === hostPort && p.containerPort === hostPort));
      assert.equal(env.KAFKA_PROCESS_ROLES, 'broker,controller');
      assert.match(String(env.CLUSTER_ID), /^[A-Za-z0-9_-]{22}$/);
      assert.equal(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE, 'false', 'only kafka-init creates the topic');
      const init = commandLine(compose.services['kafka-init']);
      // The compose file cannot read the lab contract: this keeps its copies in step with it.
      assert.ok(init.includes(`--topic ${SNACK_TOPIC} `), `kafka-init creates ${SNACK_TOPIC}`);
      assert.ok(init.includes(`--partitions ${SNACK_TOPIC_PARTITIONS} `), `with ${SNACK_TOPIC_PARTITIONS} partitions`);
      assert.ok(init.includes(`PartitionCount: ${SNACK_TOPIC_PARTITIONS}'`), 'and checks the partition count');
    });

    it('applies the real schema with cqlsh from the Cassandra image', () => {
      const c = compose.services['cassandra-init'];
      assert.equal(c.image, IMAGES.cassandra);
      assert.match(commandLine(c), /^cqlsh cassandra 9042 .*-f \/opt\/archlab\/schema\.cql$/);
      assert.ok((c.volumes ?? []).includes('../jobs/schema.cql:/opt/archlab/schema.cql:ro'));
    });

    it('runs each Spark job in its own driver container with spark.cores.max, a writable Ivy cache and matching connectors', () => {
      const runs = [...stack.jobs, ...stack.jobs.filter((j) => j.onDemandService).map((j) => ({ ...j, service: j.onDemandService as string }))];
      for (const job of runs) {
        const c = compose.services[job.service];
        const cmd = commandLine(c);
        assert.ok((c.volumes ?? []).includes('../jobs:/opt/archlab/jobs:ro'), `${job.service} mounts the jobs read-only`);
        assert.ok(cmd.includes(`/opt/archlab/${job.file.replace(/^lab-stacks\//, '')}`), `${job.service} runs ${job.file}`);
        const env = c.environment ?? {};
        for (const key of ['KAFKA_BOOTSTRAP', 'KAFKA_TOPIC', 'CASSANDRA_HOST', 'CASSANDRA_PORT', 'CASSANDRA_KEYSPACE', 'CHECKPOINT_DIR', 'BUCKET_SIZE']) {
          assert.ok(env[key] !== undefined, `${job.service} sets ${key}`);
        }
        assert.equal(env.KAFKA_BOOTSTRAP, 'kafka:9092');
        assert.equal(env.KAFKA_TOPIC, SNACK_TOPIC);
        assert.equal(env.CASSANDRA_KEYSPACE, LAB_KEYSPACE);
        assert.ok((c.volumes ?? []).includes('../lab-contract.json:/opt/archlab/lab-contract.json:ro'), `${job.service} mounts the lab contract`);
        if (name === 'lambda') {
          assert.equal(env.HDFS_URL, 'hdfs://namenode:8020');
          assert.equal(env.MASTER_DATASET, '/archlab/master');
        }
        if (job.engine === 'python') {
          assert.match(cmd, /^python3 \/opt\/archlab\/jobs\/\w+\.py$/);
          continue;
        }
        assert.match(cmd, /^spark-submit /);
        if (job.cluster === 'yarn') {
          assert.ok(cmd.includes('--master=yarn') && cmd.includes('--deploy-mode=client'), `${job.service} runs on YARN`);
          assert.ok(cmd.includes('--conf=spark.hadoop.yarn.resourcemanager.hostname=resourcemanager'), `${job.service} finds the ResourceManager`);
          assert.ok(Object.keys(c.depends_on ?? {}).includes('nodemanager'), `${job.service} waits for a NodeManager`);
        } else {
          assert.ok(cmd.includes('--master=spark://spark-master:7077'), `${job.service} runs on the Spark cluster`);
          assert.ok(cmd.includes('--conf=spark.cores.max=${ARCHLAB_SPARK_CORES_PER_JOB:-1}'), `${job.service} spark.cores.max`);
        }
        if (job.uiPort && c.profiles?.includes(job.profile) && job.service === c.hostname) {
          assert.ok(
            publishedPorts(c).some((p) => p.hostIp === '127.0.0.1' && p.hostPort === job.uiPort && p.containerPort === 4040),
            `${job.service} publishes its Spark UI on ${job.uiPort}`,
          );
        }
        assert.ok(cmd.includes('--conf=spark.jars.ivy=/opt/archlab/ivy'), `${job.service} Ivy in the spark-ivy volume`);
        assert.ok((c.volumes ?? []).includes('spark-ivy:/opt/archlab/ivy'));
        assert.ok(cmd.includes(`--packages=${SPARK_PACKAGES.join(',')}`), `${job.service} connectors`);
        assert.ok(cmd.includes(`--conf=spark.driver.host=${c.hostname}`), `${job.service}: executors reach the driver by name`);
        assert.equal(c.hostname, job.service);
        assert.equal(env.CHECKPOINT_DIR, '/opt/archlab/checkpoints', 'the jobs add their own sub-folder');
        assert.ok((c.volumes ?? []).includes('spark-checkpoints:/opt/archlab/checkpoints'));
      }
      for (const pkg of SPARK_PACKAGES) assert.match(pkg, /_2\.12:3\.5\.\d+$/);
      if (name === 'kappa') assert.match(commandLine(compose.services['kappa-replay']), /kappa_stream\.py --replay$/);
      if (name === 'lambda') {
        assert.match(commandLine(compose.services['batch-once']), /batch_layer\.py --once$/);
        for (const svc of ['hdfs-ingest', 'batch-layer', 'batch-once'])
          assert.ok(commandLine(compose.services[svc]).includes('--conf=spark.hadoop.dfs.replication=1'), `${svc}: one HDFS replica`);
      }
      // Every app asks for one core: the cluster has a core for each job that runs together.
      const std = memoryEnv(name, 'standard');
      const cores = Number(std.ARCHLAB_SPARK_WORKERS) * Number(std.ARCHLAB_SPARK_WORKER_CORES);
      const together = stack.jobs.filter((j) => j.cluster === 'spark').reduce((n, j) => n + j.sparkCores, 0);
      assert.ok(cores >= together, `${cores} Spark cores for ${together} apps`);
      const executors =
        Math.floor(parseMemory(std.ARCHLAB_SPARK_WORKER_MEMORY) / parseMemory(std.ARCHLAB_SPARK_EXECUTOR_MEMORY)) * Number(std.ARCHLAB_SPARK_WORKERS);
      assert.ok(executors >= together, `memory for ${together} executors`);
    });

    it("takes its memory defaults from the catalog's standard profile, and only catalogued variables", () => {
      const standard = memoryEnv(name, 'standard');
      const uses = interpolations(text);
      for (const use of uses) {
        if (use.name === GRAFANA_PASSWORD_ENV) {
          assert.ok(use.required, 'the Grafana password is required');
          continue;
        }
        if (use.name === 'ARCHLAB_BATCH_INTERVAL_S') continue;
        assert.ok(use.name in standard, `${use.name} is in the catalog's memory profiles`);
        assert.equal(use.default, standard[use.name], `${use.name} default equals the standard profile`);
      }
      for (const key of Object.keys(standard))
        assert.ok(
          uses.some((u) => u.name === key),
          `${key} is used by the compose file`,
        );
      for (const s of stack.services) {
        const c = compose.services[s.name];
        if ('env' in s.memory) assert.equal(c.mem_limit, `\${${s.memory.env}:-${standard[s.memory.env]}}`, `${s.name} mem_limit`);
        else assert.equal(c.mem_limit, s.memory.fixed);
        if (s.replicasEnv) assert.equal(c.deploy?.replicas, `\${${s.replicasEnv}:-${standard[s.replicasEnv]}}`);
      }
    });

    it('provisions Grafana from files: the Cassandra plugin and datasource, its dashboard, no admin/admin', () => {
      const g = compose.services.grafana;
      const env = g.environment ?? {};
      assert.match(String(env.GF_SECURITY_ADMIN_PASSWORD), new RegExp(`^\\$\\{${GRAFANA_PASSWORD_ENV}:\\?.+\\}$`));
      assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'true');
      assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
      assert.equal(env.GF_USERS_ALLOW_SIGN_UP, 'false');
      assert.equal(env.GF_PLUGINS_PREINSTALL, `hadesarchitect-cassandra-datasource@${VERSIONS.grafanaCassandraPlugin}`, 'installed in the background');
      assert.equal(env.GF_PLUGINS_PREINSTALL_SYNC, undefined, 'a plugin that cannot be fetched must not stop Grafana');
      assert.doesNotMatch(text, /admin\/admin|ADMIN_PASSWORD:\s*admin\b/);
      const mounts = (g.volumes ?? []) as string[];
      assert.ok(mounts.includes(`../../${stack.grafana.dashboardFile}:/etc/grafana/dashboards/${path.basename(stack.grafana.dashboardFile)}:ro`));
      assert.ok(mounts.includes('../grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro'));
      assert.ok(mounts.includes('../grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro'));
      for (const m of mounts) {
        const source = m.split(':')[0];
        if (source.startsWith('.')) assert.ok(fs.existsSync(path.resolve(path.dirname(path.join(repoRoot, stack.composeFile)), source)), `${source} exists`);
      }
      const dashboard = loadDashboard(name);
      assert.equal(dashboard.uid, stack.grafana.dashboardUid);
    });
  });
}

describe('both stacks side by side', () => {
  it('use distinct project names and host ports', () => {
    const seen = new Map<number, string>();
    for (const name of STACK_NAMES) {
      const compose = loadCompose(name);
      for (const [service, c] of Object.entries(compose.services)) {
        for (const p of publishedPorts(c)) {
          assert.ok(!seen.has(p.hostPort), `port ${p.hostPort} of ${name}/${service} also used by ${seen.get(p.hostPort)}`);
          seen.set(p.hostPort, `${name}/${service}`);
        }
      }
    }
    assert.notEqual(loadCompose('lambda').name, loadCompose('kappa').name);
  });

  it('share the Grafana provisioning: the Cassandra datasource with the uid the dashboards use, and the file provider', () => {
    const dir = path.join(repoRoot, 'lab-stacks', 'grafana', 'provisioning');
    const ds = parse(fs.readFileSync(path.join(dir, 'datasources', 'cassandra.yaml'), 'utf8'));
    assert.equal(ds.datasources.length, 1);
    assert.equal(ds.datasources[0].uid, GRAFANA_DATASOURCE_UID);
    assert.equal(ds.datasources[0].type, 'hadesarchitect-cassandra-datasource');
    assert.equal(ds.datasources[0].url, 'cassandra:9042');
    assert.equal(ds.datasources[0].jsonData.keyspace, 'archlab');
    const provider = parse(fs.readFileSync(path.join(dir, 'dashboards', 'archlab.yaml'), 'utf8'));
    assert.equal(provider.providers[0].type, 'file');
    assert.equal(provider.providers[0].options.path, '/etc/grafana/dashboards');
  });
});

describe('dashboards (grafana_templates/)', () => {
  const allowed = /^SELECT [\w ,()"]+ FROM archlab\.(view_counts|view_pointer|job_status) WHERE (.+?)(?: LIMIT \d+)?$/;
  const partitionKey: Record<string, string[]> = { view_counts: ['view', 'version'], view_pointer: ['view'], job_status: ['job'] };

  for (const name of STACK_NAMES) {
    const dashboard = loadDashboard(name);
    const queries = [
      ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, cql: variableQuery(v), ds: v.datasource })),
      ...dashboard.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, cql: t.target, ds: t.datasource, raw: t.rawQuery })),
      ),
    ];

    it(`${name}: every panel and variable queries the provisioned Cassandra datasource`, () => {
      assert.ok(dashboard.panels.length >= 5);
      for (const p of dashboard.panels) {
        assert.equal(p.datasource?.uid, GRAFANA_DATASOURCE_UID, `panel ${p.title}`);
        assert.ok((p.targets ?? []).length > 0, `panel ${p.title} has queries`);
        for (const t of p.targets ?? []) assert.equal(t.rawQuery, true, `${p.title} ${t.refId} is a CQL query`);
      }
      for (const q of queries) assert.equal(q.ds?.uid, GRAFANA_DATASOURCE_UID, q.where);
    });

    it(`${name}: reads small view tables only, one partition per query (whole partition key fixed), never a scan`, () => {
      for (const q of queries) {
        const m = allowed.exec(q.cql);
        assert.ok(m, `${q.where}: ${q.cql}`);
        assert.doesNotMatch(q.cql, /ALLOW FILTERING|TOKEN\(/i, q.where);
        for (const column of partitionKey[m[1]]) {
          assert.match(m[2], new RegExp(`(^|\\s)"?${column}"? (= \\S+|IN \\([^)]*\\))`), `${q.where}: ${column} is fixed`);
        }
      }
    });
  }

  it('have distinct uids', () => {
    assert.notEqual(loadDashboard('lambda').uid, loadDashboard('kappa').uid);
  });

  it("show truth, validation and each architecture's views per snack, with differences", () => {
    const cql = (d: StackName) => JSON.stringify(loadDashboard(d));
    for (const view of ['truth', 'validation', 'batch', 'serving']) assert.ok(cql('lambda').includes(`\\"view\\" = '${view}'`), `lambda shows ${view}`);
    for (const view of ['truth', 'validation', 'kappa']) assert.ok(cql('kappa').includes(`\\"view\\" = '${view}'`), `kappa shows ${view}`);
    assert.ok(cql('lambda').includes('"real-time"'));
    assert.ok(cql('lambda').includes('serving − truth'));
    assert.ok(cql('kappa').includes('kappa − truth'));
  });
});
