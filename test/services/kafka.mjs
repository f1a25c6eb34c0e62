// Test-bed service: a real single-node Apache Kafka 4.x broker (KRaft, combined broker+controller) run from the
// Maven Central artifacts (no tarball, no container), plus Kafka's own ProducerPerformance (kafka-producer-perf-test).
//
//   install()  resolves org.apache.kafka:kafka_2.13 + kafka-tools (+ the log4j2 binding) into .cache/maven/kafka/lib
//   start()    writes .testbed/kafka/server.properties, formats the storage, starts kafka.Kafka detached and waits
//              until a real Kafka request (kafkajs admin describeCluster) answers with one broker
//   stop(info) stops the broker's process group and waits until it is gone
//
// Tests that need to crash or restart the SAME broker (same config, same data) mid-run:
//   node test/services/kafka.mjs stop-broker|kill-broker|start-broker|restart-broker [--kill]
// (also given as info.extra.control), or import { stopBroker, startBroker, restartBroker } from this module.
// Both update .testbed/state.json with the new pid.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bedDir,
  cacheDir,
  ensureDir,
  freePort,
  isAlive,
  log,
  mavenResolve,
  readState,
  run,
  sleep,
  spawnDetached,
  stopGroup,
  tailOf,
  writeState,
} from './lib.mjs';

/** Newest stable 4.x on Maven Central when this was written (maven-metadata.xml of kafka_2.13: release 4.4.0). */
export const KAFKA_VERSION = process.env.ARCHLAB_KAFKA_VERSION ?? '4.4.0';
/** Kafka 4.x logs through slf4j 1.7 + log4j2; the binding is not a dependency of the broker artifact. */
const LOG4J_VERSION = '2.26.1';

const SERVICE = 'kafka';
const here = path.dirname(fileURLToPath(import.meta.url));
const thisFile = fileURLToPath(import.meta.url);
const templates = path.join(here, 'kafka');
const home = path.join(bedDir, 'kafka');
const BROKER_JAVA_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];
const TOOL_JAVA_OPTS = ['-Xms64m', '-Xmx256m', `-Dlog4j2.configurationFile=${path.join(templates, 'tools-log4j2.xml')}`];

let libDir;

function javaPath() {
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'java'));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error('java not found (need Java 17+ on PATH or JAVA_HOME)');
  return fs.realpathSync(found);
}

export async function install() {
  libDir = await mavenResolve(
    SERVICE,
    [
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: KAFKA_VERSION },
      { groupId: 'org.apache.kafka', artifactId: 'kafka-tools', version: KAFKA_VERSION },
      { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: LOG4J_VERSION },
      { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: LOG4J_VERSION },
    ],
    {
      // Not needed by the broker or ProducerPerformance: Connect (Jetty, Jersey, ...) comes in through kafka-tools,
      // and kafka-server-common 4.x publishes mockito/junit with runtime scope.
      exclusions: [
        { groupId: 'org.apache.kafka', artifactId: 'connect-runtime' },
        { groupId: 'org.mockito', artifactId: 'mockito-core' },
        { groupId: 'org.junit.jupiter', artifactId: 'junit-jupiter' },
      ],
    },
  );
  const jar = path.join(libDir, `kafka_2.13-${KAFKA_VERSION}.jar`);
  if (!fs.existsSync(jar)) throw new Error(`Maven resolution did not produce ${jar}`);
  return libDir;
}

function classpath() {
  return `${libDir ?? path.join(cacheDir, 'maven', SERVICE, 'lib')}${path.sep}*`;
}

function serverProperties({ port, controllerPort, dataDir }) {
  return `# Written by test/services/kafka.mjs: single-node KRaft (combined broker + controller), 127.0.0.1 only.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# A crashed broker cannot re-register until its old session expires (default 9 s): keep restarts in tests quick.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4500
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
`;
}

/** The java command line of the broker for an info object (same config and data every time). */
function brokerCommand(info) {
  const x = info.extra;
  return [
    x.java,
    [...x.brokerJavaOpts, `-Dlog4j2.configurationFile=${x.log4jConfig}`, `-Dkafka.logs.dir=${x.home}`, '-cp', x.classpath, 'kafka.Kafka', x.config],
  ];
}

async function probe(bootstrap) {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    clientId: 'archlab-testbed-probe',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length !== 1 || cluster.controller == null) return false;
    await admin.listTopics();
    return cluster;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Waits until the broker answers real Kafka requests; fails at once with the log tail if the JVM dies. */
async function waitReady(info, pid, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(`Kafka broker (pid ${pid}) exited during start-up\n--- last lines of ${info.extra.logFile} ---\n${tailOf(info.extra.logFile, 60)}`);
    }
    try {
      if (await probe(info.bootstrap)) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(300);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for Kafka at ${info.bootstrap} to answer describeCluster` +
      `${lastError ? ` (last error: ${lastError.message})` : ''}\n--- last lines of ${info.extra.logFile} ---\n${tailOf(info.extra.logFile, 60)}`,
  );
}

/** True if pid is a live java running kafka.Kafka with this config (guards against pid reuse). */
function isOurBroker(pid, config) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(config);
  } catch {
    return false;
  }
}

function persistPid(info, pid) {
  info.pids = [pid];
  fs.writeFileSync(info.extra.pidFile, `${pid}\n`);
  const state = readState();
  if (state[SERVICE]?.extra?.home === info.extra.home) {
    state[SERVICE].pids = [pid];
    writeState(state);
  }
}

/** Starts the broker of `info` (already formatted) again with the same config and data; waits until ready. */
export async function startBroker(info) {
  const running = info.pids?.find((p) => isOurBroker(p, info.extra.config));
  if (running) throw new Error(`Kafka broker already running (pid ${running})`);
  const [cmd, args] = brokerCommand(info);
  fs.appendFileSync(info.extra.logFile, `\n===== [testbed] starting broker at ${new Date().toISOString()} =====\n`);
  const pid = spawnDetached(cmd, args, { cwd: info.extra.home, logFile: info.extra.logFile });
  persistPid(info, pid);
  await waitReady(info, pid);
  return info;
}

/** Stops the broker (SIGTERM: controlled shutdown; `{ kill: true }`: SIGKILL, a crash) and waits until it is gone. */
export async function stopBroker(info, { kill = false } = {}) {
  // The pid file is written on every (re)start: it also covers a state file that missed an update.
  const pids = new Set(info.pids ?? []);
  try {
    const recorded = Number(fs.readFileSync(info.extra.pidFile, 'utf8').trim());
    if (recorded && isOurBroker(recorded, info.extra.config)) pids.add(recorded);
  } catch {
    /* no pid file */
  }
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    if (kill) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      while (isAlive(pid)) await sleep(100);
    } else {
      await stopGroup(pid, { graceMs: 30_000 });
    }
  }
  return info;
}

export async function restartBroker(info, { kill = false } = {}) {
  await stopBroker(info, { kill });
  return startBroker(info);
}

export async function start() {
  if (!libDir) await install();
  const java = javaPath();
  const config = path.join(home, 'server.properties');
  // A broker left over from an earlier, interrupted run would hold the data dir: stop it before wiping.
  const pidFile = path.join(home, 'broker.pid');
  if (fs.existsSync(pidFile)) {
    const stale = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (stale && isOurBroker(stale, config)) {
      log(SERVICE, `stopping a stale broker (pid ${stale})`);
      await stopGroup(stale);
    }
  }
  fs.rmSync(home, { recursive: true, force: true });
  ensureDir(home);
  const dataDir = ensureDir(path.join(home, 'data'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  fs.writeFileSync(config, serverProperties({ port, controllerPort, dataDir }));
  const info = {
    bootstrap: `127.0.0.1:${port}`,
    version: KAFKA_VERSION,
    pids: [],
    perfTest: [java, ...TOOL_JAVA_OPTS, '-cp', classpath(), 'org.apache.kafka.tools.ProducerPerformance'],
    extra: {
      home,
      config,
      dataDir,
      logFile: path.join(home, 'kafka.log'),
      pidFile,
      port,
      controllerPort,
      clusterId: crypto.randomBytes(16).toString('base64url'),
      java,
      classpath: classpath(),
      brokerJavaOpts: BROKER_JAVA_OPTS,
      log4jConfig: path.join(templates, 'log4j2.xml'),
      /** Prefix to run any Kafka tool class from the same artifacts: [...toolCommand, 'org.apache.kafka.tools.X', ...]. */
      toolCommand: [java, ...TOOL_JAVA_OPTS, '-cp', classpath()],
      /** [node, kafka.mjs]: append stop-broker | kill-broker | start-broker | restart-broker [--kill]. */
      control: [process.execPath, thisFile],
    },
  };
  log(SERVICE, `formatting KRaft storage (cluster ${info.extra.clusterId})`);
  const { stdout } = await run(java, [
    ...TOOL_JAVA_OPTS,
    '-cp',
    info.extra.classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    info.extra.clusterId,
    '-c',
    config,
    '--standalone',
  ]);
  fs.writeFileSync(path.join(home, 'format.out'), stdout);
  log(SERVICE, `starting Kafka ${KAFKA_VERSION} on ${info.bootstrap} (controller ${controllerPort})`);
  try {
    await startBroker(info);
  } catch (error) {
    await stopBroker(info, { kill: true });
    throw error;
  }
  // The broker's own word on its version (AppInfoParser logs it at start-up).
  const logged = /Kafka version: (\S+)/.exec(fs.readFileSync(info.extra.logFile, 'utf8'));
  if (!logged || logged[1] !== KAFKA_VERSION) {
    await stopBroker(info);
    throw new Error(`broker log reports Kafka version ${logged?.[1] ?? '(none)'}, expected ${KAFKA_VERSION}`);
  }
  return info;
}

export async function stop(info) {
  await stopBroker(info);
  if (info.extra?.pidFile) fs.rmSync(info.extra.pidFile, { force: true });
}

// CLI for tests that restart the running bed's broker: node test/services/kafka.mjs <command> [--kill]
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(thisFile)) {
  const [command, ...flags] = process.argv.slice(2);
  const kill = flags.includes('--kill');
  const info = readState()[SERVICE];
  const commands = {
    'stop-broker': () => stopBroker(info, { kill }),
    'kill-broker': () => stopBroker(info, { kill: true }),
    'start-broker': () => startBroker(info),
    'restart-broker': () => restartBroker(info, { kill }),
  };
  if (!commands[command]) {
    console.error('usage: kafka.mjs stop-broker|kill-broker|start-broker|restart-broker [--kill]');
    process.exit(2);
  } else if (!info) {
    console.error('kafka is not running in the test bed (node test/services/bed.mjs start kafka)');
    process.exit(1);
  } else {
    commands[command]()
      .then((i) => console.log(JSON.stringify({ bootstrap: i.bootstrap, pids: i.pids })))
      .catch((error) => {
        console.error(error.message);
        process.exit(1);
      });
  }
}
