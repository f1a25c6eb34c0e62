// Test-bed service: one real Apache Cassandra 5.0 node, built from Maven Central artifacts only
// (cassandra-all + its runtime dependencies), run on the machine's Java 17, bound to 127.0.0.1.
//
//   install()  resolves the jars into .cache/maven/cassandra/lib (once).
//   start()    fresh node under .testbed/cassandra/, waits until a real CQL query answers, returns the info.
//   stop(info) stops the node's process group (SIGTERM: Cassandra drains; SIGKILL after 30 s).
//   stopNode() / startNode()  stop and start the SAME node again (same data, config and ports) and keep
//              .testbed/state.json up to date; for "Cassandra is down" tests. From a shell or a test:
//              node test/services/cassandra.mjs node-stop | node-start | node-status
//
// Start-up speed: the first node of a machine records the classes it loads into a class-data-sharing
// archive (.cache/cassandra/*.jsa, written when that node stops); later starts map it (~15-20 % less start-up CPU).
// Environment: ARCHLAB_CASSANDRA_HEAP (default 512M), ARCHLAB_CASSANDRA_JAVA (java binary),
// ARCHLAB_CASSANDRA_JVM_OPTS (extra JVM options), ARCHLAB_CASSANDRA_CDS=0 (no class-data sharing).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  bedDir,
  cacheDir,
  commandExists,
  ensureDir,
  freePort,
  isAlive,
  log,
  mavenResolve,
  readState,
  repoRoot,
  run,
  sleep,
  spawnDetached,
  stopGroup,
  tailOf,
  tcpOpen,
  waitFor,
  writeState,
} from './lib.mjs';

const SERVICE = 'cassandra';
/** Newest 5.0.x on Maven Central when this was written (maven-metadata.xml of cassandra-all). */
export const CASSANDRA_VERSION = '5.0.9';
const HEAP = process.env.ARCHLAB_CASSANDRA_HEAP ?? '512M';
const templateDir = path.join(repoRoot, 'test', 'services', 'cassandra');
const nodeDir = path.join(bedDir, 'cassandra');
const javaCommand = process.env.ARCHLAB_CASSANDRA_JAVA ?? (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
const STOP_GRACE_MS = 30_000;

let installed; // { lib, javaVersion }

export async function install() {
  if (installed) return installed.lib;
  const lib = await mavenResolve(SERVICE, [{ groupId: 'org.apache.cassandra', artifactId: 'cassandra-all', version: CASSANDRA_VERSION }]);
  const { stderr } = await run(javaCommand, ['-version']);
  const m = /version "(\d+)[^"]*"/.exec(stderr);
  // Cassandra 5.0 runs on Java 11 or 17; the JVM options used here are those of its jvm17-server.options.
  if (!m || m[1] !== '17') {
    throw new Error(
      `the Cassandra ${CASSANDRA_VERSION} test node needs Java 17; "${javaCommand} -version" says: ${stderr.split('\n')[0]} (set ARCHLAB_CASSANDRA_JAVA)`,
    );
  }
  installed = { lib, javaVersion: stderr };
  return lib;
}

/** 16 tokens spread evenly over the Murmur3 ring (fixed, so every run has the same token ranges). */
function evenTokens(count) {
  const min = -(2n ** 63n);
  const step = 2n ** 64n / BigInt(count);
  return Array.from({ length: count }, (_, i) => (min + step * BigInt(i)).toString()).join(',');
}

function nodePaths(home) {
  return {
    home,
    confDir: path.join(home, 'conf'),
    configFile: path.join(home, 'conf', 'cassandra.yaml'),
    logbackFile: path.join(home, 'conf', 'logback.xml'),
    logFile: path.join(home, 'cassandra.log'),
    storageDir: path.join(home, 'storage'),
    dataDir: path.join(home, 'storage', 'data'),
    commitlogDir: path.join(home, 'storage', 'commitlog'),
    savedCachesDir: path.join(home, 'storage', 'saved_caches'),
    hintsDir: path.join(home, 'storage', 'hints'),
    cdcDir: path.join(home, 'storage', 'cdc_raw'),
    triggersDir: path.join(home, 'triggers'),
    pidFile: path.join(home, 'cassandra.pid'),
  };
}

function writeConfig(p, ports) {
  for (const dir of [p.confDir, p.triggersDir, p.dataDir, p.commitlogDir, p.savedCachesDir, p.hintsDir, p.cdcDir]) ensureDir(dir);
  const values = { ...p, ...ports, initialTokens: evenTokens(16) };
  const yaml = fs.readFileSync(path.join(templateDir, 'cassandra.yaml'), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (values[key] === undefined) throw new Error(`cassandra.yaml template: no value for {{${key}}}`);
    return String(values[key]);
  });
  fs.writeFileSync(p.configFile, yaml);
  fs.copyFileSync(path.join(templateDir, 'logback.xml'), p.logbackFile);
}

function serverOptions() {
  return fs
    .readFileSync(path.join(templateDir, 'jvm-server.options'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('-'));
}

/**
 * Class-data sharing: an archive is only valid for the same JVM build, jars and module options, so its
 * name carries a hash of those. Returns JVM options and, when recording, the temporary file being written.
 */
function cdsOptions(lib) {
  if (process.env.ARCHLAB_CASSANDRA_CDS === '0') return { options: [] };
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([CASSANDRA_VERSION, installed.javaVersion, fs.readdirSync(lib).sort(), serverOptions()]))
    .digest('hex')
    .slice(0, 16);
  const archive = path.join(ensureDir(path.join(cacheDir, 'cassandra')), `cds-${CASSANDRA_VERSION}-${key}.jsa`);
  // The jamm agent (as in Cassandra's own start script) needs this diagnostic switch for CDS.
  const unlock = ['-XX:+UnlockDiagnosticVMOptions', '-XX:+AllowArchivingWithJavaAgent'];
  if (fs.existsSync(archive)) return { options: [...unlock, `-XX:SharedArchiveFile=${archive}`] };
  const recording = `${archive}.${process.pid}-${Date.now()}.tmp`;
  return { options: [...unlock, `-XX:ArchiveClassesAtExit=${recording}`], recording, archive };
}

function jvmArgs(p, ports, lib, cds) {
  const jamm = fs.readdirSync(lib).find((f) => /^jamm-.*\.jar$/.test(f));
  return [
    ...serverOptions(),
    `-Xms${HEAP}`,
    `-Xmx${HEAP}`,
    ...(jamm ? [`-javaagent:${path.join(lib, jamm)}`] : []),
    ...cds.options,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.config=file://${p.configFile}`,
    `-Dcassandra.storagedir=${p.storageDir}`,
    `-Dcassandra.logdir=${p.home}`,
    `-Dcassandra.triggers_dir=${p.triggersDir}`,
    `-Dlogback.configurationFile=file://${p.logbackFile}`,
    // JMX on the loopback interface only, no authentication (what cassandra-env.sh does with LOCAL_JMX=yes).
    `-Dcassandra.jmx.local.port=${ports.jmxPort}`,
    '-Dcom.sun.management.jmxremote.authenticate=false',
    '-Djava.rmi.server.hostname=127.0.0.1',
    // Single-node test speed-ups that 5.0 honours (CassandraRelevantProperties).
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=1000',
    '-Dcassandra.shutdown_announce_in_ms=0',
    '-Dcassandra.available_processors=2',
    `-XX:ErrorFile=${path.join(p.home, 'hs_err_%p.log')}`,
    ...(process.env.ARCHLAB_CASSANDRA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean),
    '-cp',
    path.join(lib, '*'),
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/**
 * As root, Cassandra's mlockall() would pin the whole heap in RAM. Drop CAP_IPC_LOCK (as a container has
 * no such capability either), so the node uses memory like the cassandra:5.0 image does; it logs a warning.
 */
function withoutMemoryLock(command, args) {
  if (process.getuid?.() === 0 && commandExists('setpriv')) return ['setpriv', ['--bounding-set', '-ipc_lock', '--', command, ...args]];
  return [command, args];
}

async function cassandraDriver() {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  return require('cassandra-driver');
}

/** Resolves with release_version once a real CQL query answers; fails early if the JVM dies. */
async function waitForCql(pid, nativePort, logFile, timeoutMs = 180_000) {
  const { Client } = await cassandraDriver();
  let died = false;
  let version;
  await waitFor(
    `Cassandra CQL on 127.0.0.1:${nativePort}`,
    async () => {
      if (!isAlive(pid)) {
        died = true;
        return true;
      }
      if (!(await tcpOpen('127.0.0.1', nativePort))) return false;
      const client = new Client({
        contactPoints: [`127.0.0.1:${nativePort}`],
        localDataCenter: 'datacenter1',
        socketOptions: { connectTimeout: 5000, readTimeout: 10_000 },
      });
      try {
        await client.connect();
        const rs = await client.execute('SELECT release_version FROM system.local');
        version = rs.first()?.get('release_version');
        return Boolean(version);
      } finally {
        await client.shutdown().catch(() => {});
      }
    },
    { timeoutMs, intervalMs: 500, logFile },
  );
  if (died) {
    throw new Error(`Cassandra exited during start-up\n--- last lines of ${logFile} ---\n${fs.existsSync(logFile) ? tailOf(logFile, 60) : '(no log)'}`);
  }
  return version;
}

async function launch(p, ports) {
  const lib = await install();
  const cds = cdsOptions(lib);
  const [command, args] = withoutMemoryLock(javaCommand, jvmArgs(p, ports, lib, cds));
  const pid = spawnDetached(command, args, { cwd: p.home, logFile: p.logFile, env: { MALLOC_ARENA_MAX: '4' } });
  fs.writeFileSync(p.pidFile, `${pid}\n`);
  log(SERVICE, `started JVM pid ${pid}, waiting for CQL on 127.0.0.1:${ports.nativePort} (log: ${p.logFile})`);
  try {
    const version = await waitForCql(pid, ports.nativePort, p.logFile);
    return { pid, version, cds: cds.recording ? { recording: cds.recording, archive: cds.archive } : undefined };
  } catch (error) {
    await stopGroup(pid, { graceMs: 5000 });
    if (cds.recording) fs.rmSync(cds.recording, { force: true });
    throw error;
  }
}

/** A node left running by a test bed that crashed (no state, but its pid file and JVM are still there). */
async function stopLeftover(p) {
  if (!fs.existsSync(p.pidFile)) return;
  const pid = Number(fs.readFileSync(p.pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(p.configFile)) return;
  log(SERVICE, `stopping a leftover node (pid ${pid}) of an earlier run`);
  await stopGroup(pid, { graceMs: STOP_GRACE_MS });
}

export async function start() {
  const p = nodePaths(nodeDir);
  await stopLeftover(p);
  fs.rmSync(p.home, { recursive: true, force: true }); // a fresh node: the bed is not running one
  const ports = {
    nativePort: await freePort(),
    storagePort: await freePort(),
    sslStoragePort: await freePort(),
    jmxPort: await freePort(),
  };
  writeConfig(p, ports);
  const { pid, version, cds } = await launch(p, ports);
  return {
    contactPoint: `127.0.0.1:${ports.nativePort}`,
    localDataCenter: 'datacenter1',
    version,
    pids: [pid],
    extra: {
      home: p.home,
      logFile: p.logFile,
      configFile: p.configFile,
      dataDir: p.dataDir,
      ...ports,
      jmx: `127.0.0.1:${ports.jmxPort}`,
      heap: HEAP,
      running: true,
      cds,
      control: [process.execPath, path.join(repoRoot, 'test', 'services', 'cassandra.mjs')],
    },
  };
}

export async function stop(info) {
  for (const pid of info?.pids ?? []) {
    // SIGTERM lets Cassandra drain (flush memtables) and the JVM write its class-data archive, if recording.
    const wasAlive = isAlive(pid);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isAlive(pid) && Date.now() < deadline) await sleep(200);
    const graceful = wasAlive && !isAlive(pid);
    await stopGroup(pid, { graceMs: 0 });
    const cds = info.extra?.cds;
    if (cds?.recording && fs.existsSync(cds.recording)) {
      if (graceful && fs.statSync(cds.recording).size > 0 && !fs.existsSync(cds.archive)) fs.renameSync(cds.recording, cds.archive);
      else fs.rmSync(cds.recording, { force: true });
    }
  }
}

/** Stops the running test node but keeps its data; state.json then has `pids: []`, `extra.running: false`. */
export async function stopNode() {
  const info = readState()[SERVICE];
  if (!info) throw new Error('the test-bed Cassandra node is not running (no state)');
  await stop(info);
  const next = { ...info, pids: [], extra: { ...info.extra, running: false, cds: undefined } };
  writeState({ ...readState(), [SERVICE]: next });
  log(SERVICE, 'node stopped (data kept)');
  return next;
}

/** Starts the same node again (same data dir, config and ports) and waits for CQL; updates state.json. */
export async function startNode() {
  const info = readState()[SERVICE];
  if (!info) throw new Error('the test-bed Cassandra node was never started (no state)');
  if ((info.pids ?? []).some(isAlive)) return info;
  const p = nodePaths(info.extra.home);
  const { nativePort, storagePort, sslStoragePort, jmxPort } = info.extra;
  const started = Date.now();
  const { pid, version, cds } = await launch(p, { nativePort, storagePort, sslStoragePort, jmxPort });
  const next = { ...info, version, pids: [pid], extra: { ...info.extra, running: true, cds, restartMs: Date.now() - started } };
  writeState({ ...readState(), [SERVICE]: next });
  log(SERVICE, `node up again in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return next;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const commands = { 'node-stop': stopNode, 'node-start': startNode, 'node-status': async () => readState()[SERVICE] ?? null };
  const command = commands[process.argv[2]];
  if (!command) {
    console.error('usage: node test/services/cassandra.mjs node-stop|node-start|node-status');
    process.exit(2);
  }
  command()
    .then((info) => console.log(JSON.stringify(info, null, 2)))
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
