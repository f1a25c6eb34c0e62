// HDFS for the test bed: a real NameNode and DataNode (Apache Hadoop jars from Maven Central, the version of the
// apache/hadoop image the lab stack uses), each in its own JVM and process group, all on 127.0.0.1.
// install(): resolves hadoop-hdfs + hadoop-common + hadoop-hdfs-client into .cache/maven/hadoop-<v>/lib.
// start(): writes core-site.xml/hdfs-site.xml under .testbed/hdfs/conf, formats the namenode, starts both daemons and
// waits until a file written through WebHDFS (NameNode -> DataNode block write) reads back.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { bedDir, ensureDir, freePort, isAlive, mavenResolve, run, spawnDetached, stopGroup, tailOf, tcpOpen, waitFor } from './lib.mjs';

export const HADOOP_VERSION = '3.4.3';
const hdfsDir = path.join(bedDir, 'hdfs');
const confDir = path.join(hdfsDir, 'conf');

const JAVA_OPTS = [
  '-Xms64m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xss512k',
  '-Djava.net.preferIPv4Stack=true',
  // Hadoop 3.4 on Java 17
  ...[
    'java.base/java.lang',
    'java.base/java.lang.reflect',
    'java.base/java.io',
    'java.base/java.net',
    'java.base/java.nio',
    'java.base/java.util',
    'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.atomic',
    'java.base/sun.nio.ch',
    'java.base/sun.nio.cs',
    'java.base/sun.security.action',
    'java.base/sun.util.calendar',
    'java.security.jgss/sun.security.krb5',
  ].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
];

let libDir;

export async function install() {
  const v = HADOOP_VERSION;
  libDir = await mavenResolve(`hadoop-${v}`, [
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-common', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-hdfs', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-hdfs-client', version: v },
  ]);
  return libDir;
}

/**
 * YARN's ResourceManager and NodeManager jars (with their dependencies) for the apache/hadoop stand-in image
 * (test/stacks): .cache/maven/hadoop-yarn-<v>/lib. Not needed by the test bed itself.
 */
export async function installYarn() {
  const v = HADOOP_VERSION;
  return mavenResolve(`hadoop-yarn-${v}`, [
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-yarn-server-resourcemanager', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-yarn-server-nodemanager', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-mapreduce-client-shuffle', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-yarn-client', version: v },
    { groupId: 'org.apache.hadoop', artifactId: 'hadoop-yarn-server-timelineservice', version: v },
  ]);
}

function xml(props) {
  return `<?xml version="1.0"?>\n<configuration>\n${Object.entries(props)
    .map(([k, v]) => `  <property><name>${k}</name><value>${v}</value></property>`)
    .join('\n')}\n</configuration>\n`;
}

/** [command, ...args] running a Hadoop main class with the test bed's config and jars. */
function javaCommand(mainClass, args = [], logDir = path.join(hdfsDir, 'logs')) {
  return [
    'java',
    ...JAVA_OPTS,
    `-Dhadoop.log.dir=${logDir}`,
    `-Dhadoop.home.dir=${path.dirname(libDir)}`,
    '-cp',
    `${confDir}${path.delimiter}${path.join(libDir, '*')}`,
    mainClass,
    ...args,
  ];
}

async function webhdfs(base, file, op, { method = 'GET', body, redirect = 'follow' } = {}) {
  return fetch(`${base}/webhdfs/v1${file}?op=${op}&user.name=${process.env.USER ?? 'root'}${op === 'CREATE' ? '&overwrite=true' : ''}`, {
    method,
    body,
    redirect,
    signal: AbortSignal.timeout(10_000),
  });
}

function httpRequest(url, method, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Real round trip: CREATE (NameNode redirects to the DataNode, which stores the block), OPEN, DELETE. */
async function writeReadProbe(base) {
  const file = '/.archlab-probe';
  const payload = `archlab ${Date.now()}`;
  const create = await webhdfs(base, file, 'CREATE', { method: 'PUT', redirect: 'manual' });
  if (create.status !== 307) throw new Error(`CREATE: ${create.status} ${(await create.text()).slice(0, 300)}`);
  const location = create.headers.get('location');
  if (!new URL(location).hostname.startsWith('127.')) throw new Error(`datanode advertised ${location}`);
  // node:http, not fetch: the DataNode answers `100 Continue` first, which fetch (undici) rejects.
  const put = await httpRequest(location, 'PUT', payload);
  if (put.status !== 201) throw new Error(`CREATE on datanode: ${put.status} ${put.body.slice(0, 300)}`);
  const open = await webhdfs(base, file, 'OPEN');
  const text = await open.text();
  if (open.status !== 200 || text !== payload) throw new Error(`OPEN: ${open.status} ${text.slice(0, 300)}`);
  await webhdfs(base, file, 'DELETE', { method: 'DELETE' });
  return true;
}

export async function start() {
  if (!libDir) await install();
  fs.rmSync(hdfsDir, { recursive: true, force: true });
  ensureDir(confDir);
  const logDir = ensureDir(path.join(hdfsDir, 'logs'));
  const [rpc, http, dnData, dnHttp, dnIpc] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const url = `hdfs://127.0.0.1:${rpc}`;
  const webhdfsUrl = `http://127.0.0.1:${http}`;
  fs.writeFileSync(
    path.join(confDir, 'core-site.xml'),
    xml({
      'fs.defaultFS': url,
      'hadoop.tmp.dir': path.join(hdfsDir, 'tmp'),
      'hadoop.http.staticuser.user': process.env.USER ?? 'root',
    }),
  );
  fs.writeFileSync(
    path.join(confDir, 'hdfs-site.xml'),
    xml({
      'dfs.namenode.name.dir': path.join(hdfsDir, 'name'),
      'dfs.datanode.data.dir': path.join(hdfsDir, 'data'),
      'dfs.namenode.rpc-address': `127.0.0.1:${rpc}`,
      'dfs.namenode.rpc-bind-host': '127.0.0.1',
      'dfs.namenode.http-address': `127.0.0.1:${http}`,
      'dfs.namenode.http-bind-host': '127.0.0.1',
      'dfs.namenode.secondary.http-address': '127.0.0.1:0',
      'dfs.namenode.https-address': '127.0.0.1:0',
      'dfs.datanode.address': `127.0.0.1:${dnData}`,
      'dfs.datanode.http.address': `127.0.0.1:${dnHttp}`,
      'dfs.datanode.https.address': '127.0.0.1:0',
      'dfs.datanode.ipc.address': `127.0.0.1:${dnIpc}`,
      'dfs.datanode.hostname': '127.0.0.1',
      'dfs.client.use.datanode.hostname': 'true',
      'dfs.datanode.use.datanode.hostname': 'true',
      'dfs.namenode.datanode.registration.ip-hostname-check': 'false',
      'dfs.replication': '1',
      'dfs.permissions.enabled': 'false',
      'dfs.namenode.safemode.extension': '0',
      'dfs.namenode.safemode.min.datanodes': '0',
      'dfs.heartbeat.interval': '1',
      'dfs.namenode.handler.count': '4',
      'dfs.datanode.handler.count': '3',
      'dfs.namenode.service.handler.count': '2',
      'dfs.webhdfs.enabled': 'true',
      'dfs.namenode.resource.du.reserved': String(16 * 1024 * 1024),
      'dfs.datanode.du.reserved': '0',
    }),
  );
  // The NameNode/DataNode HTTP servers look up webapps/<name> on the classpath; the Maven jars do not carry the
  // binary distribution's web UI folders, and WebHDFS needs only an empty web application.
  for (const app of ['hdfs', 'datanode', 'secondary', 'journal']) {
    fs.writeFileSync(
      path.join(ensureDir(path.join(confDir, 'webapps', app, 'WEB-INF')), 'web.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<web-app xmlns="http://java.sun.com/xml/ns/javaee" version="3.0"/>\n',
    );
  }
  fs.writeFileSync(
    path.join(confDir, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO,console',
      'log4j.appender.console=org.apache.log4j.ConsoleAppender',
      'log4j.appender.console.target=System.out',
      'log4j.appender.console.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n',
      'log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR',
      'log4j.logger.org.apache.hadoop.metrics2=WARN',
      'log4j.logger.BlockStateChange=WARN',
      '',
    ].join('\n'),
  );

  const formatLog = path.join(logDir, 'format.log');
  const [java, ...formatArgs] = javaCommand(
    'org.apache.hadoop.hdfs.server.namenode.NameNode',
    ['-format', '-force', '-nonInteractive', '-clusterId', 'archlab-testbed'],
    logDir,
  );
  try {
    const { stdout, stderr } = await run(java, formatArgs);
    fs.writeFileSync(formatLog, stdout + stderr);
  } catch (error) {
    fs.writeFileSync(formatLog, error.message);
    throw new Error(`namenode format failed (log ${formatLog}):\n${error.message.slice(-3000)}`);
  }

  const nnLog = path.join(logDir, 'namenode.log');
  const dnLog = path.join(logDir, 'datanode.log');
  const [, ...nnArgs] = javaCommand('org.apache.hadoop.hdfs.server.namenode.NameNode', [], logDir);
  const nnPid = spawnDetached(java, nnArgs, { logFile: nnLog });
  const [, ...dnArgs] = javaCommand('org.apache.hadoop.hdfs.server.datanode.DataNode', [], logDir);
  const dnPid = spawnDetached(java, dnArgs, { logFile: dnLog });
  const pids = [nnPid, dnPid];
  const alive = () => {
    for (const [pid, name, file] of [
      [nnPid, 'namenode', nnLog],
      [dnPid, 'datanode', dnLog],
    ]) {
      if (!isAlive(pid)) throw Object.assign(new Error(`the ${name} exited\n--- last lines of ${file} ---\n${tailOf(file, 40)}`), { fatal: true });
    }
  };
  let fatal;
  const guarded = (probe) => async () => {
    try {
      alive();
    } catch (error) {
      fatal = error;
      return true;
    }
    return probe();
  };
  try {
    await waitFor(
      'namenode RPC and WebHDFS',
      guarded(async () => (await tcpOpen('127.0.0.1', rpc)) && (await webhdfs(webhdfsUrl, '/', 'LISTSTATUS')).status === 200),
      { timeoutMs: 120_000, logFile: nnLog },
    );
    if (!fatal) {
      await waitFor(
        'a file written through the datanode to read back',
        guarded(() => writeReadProbe(webhdfsUrl)),
        { timeoutMs: 120_000, logFile: dnLog },
      );
    }
    if (fatal) throw fatal;
  } catch (error) {
    await stop({ pids });
    throw new Error(`HDFS did not start: ${error.message}${error.fatal ? '' : `\n--- last lines of ${nnLog} ---\n${tailOf(nnLog, 20)}`}`);
  }
  return {
    url,
    version: HADOOP_VERSION,
    pids,
    extra: {
      webhdfs: webhdfsUrl,
      namenodeLog: nnLog,
      datanodeLog: dnLog,
      logFile: nnLog,
      confDir,
      datanode: { data: `127.0.0.1:${dnData}`, http: `127.0.0.1:${dnHttp}`, ipc: `127.0.0.1:${dnIpc}` },
      /** [command, ...args] of Hadoop's FsShell (`hdfs dfs`) against this cluster: append e.g. '-ls', '/'. */
      fsShell: javaCommand('org.apache.hadoop.fs.FsShell', ['-fs', url], logDir),
    },
  };
}

export async function stop(info) {
  // DataNode first so the NameNode does not log it as lost; each daemon is its own process group.
  for (const pid of [...(info?.pids ?? [])].reverse()) await stopGroup(pid, { graceMs: 10_000 });
  for (const sub of ['name', 'data', 'tmp']) fs.rmSync(path.join(hdfsDir, sub), { recursive: true, force: true });
}
