// Test-bed Docker engine: Debian's dockerd (docker.io) on a private socket, compose v2 + buildx plugins taken from
// Debian 13 (trixie) .debs, and a locally built base image (no registry is reachable on the test machines).
//
//   install(): Debian packages; plugins into .cache/docker/config/cli-plugins (the DOCKER_CONFIG); the bookworm
//              root filesystem from mmdebstrap (.cache/docker/images). Needs no running daemon.
//   start():   dockerd with data-root .cache/docker/data (images survive between runs, so a warm start loads
//              nothing) and a short exec-root under /tmp; imports/loads local/debian:bookworm when missing.
//   stop():    removes containers, volumes and networks, stops dockerd and everything it spawned, unmounts.
//   stopDaemon()/startDaemon(): stop and restart only the daemon (tests of "Docker went away / came back").
//
// CLI: node test/services/docker.mjs stop-daemon|start-daemon  (updates .testbed/state.json)
import * as childProcess from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bedDir, cacheDir, ensureDebianPackages, ensureDir, log, readState, run, sleep, tailOf, writeState } from './lib.mjs';

const SERVICE = 'docker';
/** Debian packages: the engine (pulls containerd, runc, tini, iptables), the image builder, the archive keys. */
const DEBIAN_PACKAGES = ['docker.io', 'mmdebstrap', 'iptables', 'ca-certificates', 'debian-archive-keyring'];
/** Compose v2 and buildx are not in Debian 12: taken from this suite, same mirror. */
const PLUGIN_SUITE = 'trixie';
const PLUGINS = { 'docker-compose': 'docker-compose', 'docker-buildx': 'docker-buildx' }; // package -> binary
const ARCHIVE_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Debian's CLI from docker.io (20.10), installed by install() on every machine; /usr/local/bin/docker may differ. */
export const DOCKER_CLI = '/usr/bin/docker';
const DOCKERD = '/usr/sbin/dockerd';
/** dockerd finds containerd, runc, docker-proxy and docker-init here: Debian's, never /usr/local ones. */
const DAEMON_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
export const BASE_IMAGE = 'local/debian:bookworm';
const BASE_SUITE = 'bookworm';

const dockerCache = path.join(cacheDir, 'docker');
const aptDir = path.join(dockerCache, 'apt');
const configDir = path.join(dockerCache, 'config');
const pluginsDir = path.join(configDir, 'cli-plugins');
const pluginsMarker = path.join(pluginsDir, '.installed.json');
const imagesDir = path.join(dockerCache, 'images');
const imageTar = path.join(imagesDir, 'debian-bookworm.tar');
const rootfsTar = path.join(imagesDir, 'debian-bookworm.rootfs.tar');
const dataRoot = path.join(dockerCache, 'data');
/** Who owns dataRoot right now: no two daemons may share it. */
const dataLock = path.join(dockerCache, 'data.lock');
const EXEC_ROOT_PREFIX = '/tmp/archlab-dx-';

// ---------------------------------------------------------------------------------------------------------------
// install

export async function install() {
  const t0 = Date.now();
  await ensureDebianPackages(DEBIAN_PACKAGES, SERVICE);
  const t1 = Date.now();
  for (const bin of [DOCKER_CLI, DOCKERD, '/usr/bin/containerd', '/usr/sbin/runc', '/usr/bin/mmdebstrap']) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing after installing ${DEBIAN_PACKAGES.join(' ')}`);
  }
  await installPlugins();
  const t2 = Date.now();
  await buildBaseRootfs();
  const t3 = Date.now();
  log(SERVICE, `install: apt ${ms(t1 - t0)}, plugins ${ms(t2 - t1)}, base rootfs ${ms(t3 - t2)}`);
}

const ms = (n) => `${(n / 1000).toFixed(1)} s`;

/** The system's Debian mirror for its own suite (deb822 .sources or one-line .list), e.g. http://deb.debian.org/debian. */
export function systemMirror() {
  if (process.env.ARCHLAB_DEBIAN_MIRROR) return process.env.ARCHLAB_DEBIAN_MIRROR;
  const codename = /^VERSION_CODENAME=(\S+)/m.exec(readIfExists('/etc/os-release'))?.[1] ?? BASE_SUITE;
  const entries = [];
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => path.join('/etc/apt/sources.list.d', f))];
  for (const file of files) {
    const text = readIfExists(file);
    if (file.endsWith('.sources')) {
      for (const para of text.split(/\n\s*\n/)) {
        const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(para)?.[1].trim().split(/\s+/) ?? [];
        if (!field('Types').includes('deb') || /^Enabled:\s*no/im.test(para)) continue;
        for (const uri of field('URIs')) entries.push({ uri, suites: field('Suites') });
      }
    } else if (file.endsWith('.list') || file === '/etc/apt/sources.list') {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m) entries.push({ uri: m[1], suites: [m[2]] });
      }
    }
  }
  const hit = entries.find((e) => e.suites.includes(codename)) ?? entries.find((e) => /debian\/?$/.test(e.uri));
  return (hit?.uri ?? 'http://deb.debian.org/debian').replace(/\/$/, '');
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
function listDir(dir) {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** compose v2 + buildx from trixie .debs, through a private apt state (the system's apt setup is not touched). */
async function installPlugins() {
  const wanted = Object.values(PLUGINS);
  if (fs.existsSync(pluginsMarker) && wanted.every((b) => fs.existsSync(path.join(pluginsDir, b)))) return;
  const mirror = systemMirror();
  log(SERVICE, `downloading ${Object.keys(PLUGINS).join(', ')} from ${mirror} ${PLUGIN_SUITE} (first run only)`);
  fs.rmSync(aptDir, { recursive: true, force: true });
  const lists = ensureDir(path.join(aptDir, 'lists', 'partial'));
  ensureDir(path.join(aptDir, 'cache', 'archives', 'partial'));
  const debs = ensureDir(path.join(aptDir, 'debs'));
  const sourceList = path.join(aptDir, 'sources.list');
  fs.writeFileSync(sourceList, `deb [signed-by=${ARCHIVE_KEYRING}] ${mirror} ${PLUGIN_SUITE} main\n`);
  const apt = [
    '-q',
    '-o',
    `Dir::Etc::SourceList=${sourceList}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${path.dirname(lists)}`,
    '-o',
    `Dir::Cache=${path.join(aptDir, 'cache')}`,
    '-o',
    'Dir::Etc::Preferences=/dev/null',
    '-o',
    'Dir::Etc::PreferencesParts=/dev/null',
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Acquire::Languages=none',
    '-o',
    'Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false',
  ];
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', [...apt, 'update'], { env });
  await run('apt-get', [...apt, 'download', ...Object.keys(PLUGINS)], { env, cwd: debs });
  const versions = {};
  const tmp = fs.mkdtempSync(path.join(aptDir, 'x-'));
  for (const pkg of Object.keys(PLUGINS)) {
    const deb = fs.readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb in ${debs}`);
    versions[pkg] = (await run('dpkg-deb', ['-f', path.join(debs, deb), 'Version'])).stdout.trim();
    await run('dpkg-deb', ['-x', path.join(debs, deb), tmp]);
  }
  ensureDir(pluginsDir);
  for (const bin of wanted) {
    const from = path.join(tmp, 'usr', 'libexec', 'docker', 'cli-plugins', bin);
    if (!fs.existsSync(from)) throw new Error(`${from} not found in the extracted .deb`);
    fs.copyFileSync(from, path.join(pluginsDir, `${bin}.partial`));
    fs.chmodSync(path.join(pluginsDir, `${bin}.partial`), 0o755);
    fs.renameSync(path.join(pluginsDir, `${bin}.partial`), path.join(pluginsDir, bin));
  }
  fs.writeFileSync(pluginsMarker, JSON.stringify({ mirror, suite: PLUGIN_SUITE, versions }, null, 2));
  // The lists (about 30 MB) and .debs are not needed any more: keep only the two binaries.
  fs.rmSync(aptDir, { recursive: true, force: true });
}

/** The base image's root filesystem (mmdebstrap minbase). start() imports it, saves the image and drops this tar. */
async function buildBaseRootfs() {
  if (fs.existsSync(imageTar) || fs.existsSync(rootfsTar)) return;
  ensureDir(imagesDir);
  const mirror = systemMirror();
  log(SERVICE, `building the ${BASE_SUITE} root filesystem with mmdebstrap from ${mirror} (first run only)`);
  const partial = `${rootfsTar}.partial`;
  // No docs, man pages or translations (also for packages later installed by image builds: the dpkg
  // excludes stay in the image's /etc/dpkg/dpkg.cfg.d).
  const excludes = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'].map((p) => `--dpkgopt=path-exclude=${p}`);
  await run(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=minbase',
      '--format=tar',
      `--keyring=${ARCHIVE_KEYRING}`,
      ...excludes,
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      BASE_SUITE,
      partial,
      mirror,
    ],
    { env: { DEBIAN_FRONTEND: 'noninteractive' } },
  );
  fs.renameSync(partial, rootfsTar);
}

// ---------------------------------------------------------------------------------------------------------------
// start / stop

export async function start() {
  const bed = ensureDir(path.join(bedDir, SERVICE));
  const socket = path.join(bed, 'docker.sock');
  if (socket.length > 100) throw new Error(`docker socket path too long for a unix socket (${socket.length} chars): ${socket}`);
  assertNoForeignDockerd();
  await claimDataRoot(bed);
  await sweepStaleExecRoots();
  await unmountUnder(dataRoot);
  ensureDir(dataRoot);
  const execRoot = fs.mkdtempSync(EXEC_ROOT_PREFIX);
  const daemonConfig = path.join(bed, 'daemon.json');
  // An explicit (empty) config file, so a host's /etc/docker/daemon.json never changes the test bed.
  fs.writeFileSync(daemonConfig, '{}\n');
  const plugins = JSON.parse(readIfExists(pluginsMarker) || '{}');
  const info = {
    host: `unix://${socket}`,
    dockerConfig: configDir,
    baseImage: BASE_IMAGE,
    version: '',
    pids: [],
    extra: {
      dockerCli: DOCKER_CLI,
      dockerd: DOCKERD,
      socket,
      dataRoot,
      execRoot,
      pidFile: path.join(bed, 'dockerd.pid'),
      logFile: path.join(bed, 'dockerd.log'),
      daemonConfig,
      bedDir: bed,
      apiVersion: '',
      composeVersion: '',
      buildxVersion: '',
      pluginPackages: plugins.versions ?? {},
      /** [command, ...args]: append stop-daemon or start-daemon (updates .testbed/state.json). */
      control: [process.execPath, fileURLToPath(import.meta.url)],
    },
  };
  try {
    await startDaemon(info);
    await resetEngine(info); // a crashed earlier run may have left containers in the persistent data-root
    await ensureBaseImage(info);
    info.extra.composeVersion = (await cli(info, ['compose', 'version', '--short'])).stdout.trim();
    info.extra.buildxVersion = (await cli(info, ['buildx', 'version'])).stdout.trim();
    const driver = (await cli(info, ['info', '--format', '{{.Driver}}'])).stdout.trim();
    if (driver !== 'overlay2') throw new Error(`dockerd uses storage driver "${driver}", expected overlay2`);
  } catch (error) {
    await stop(info).catch(() => {});
    throw error;
  }
  log(SERVICE, `dockerd ${info.version} (API ${info.extra.apiVersion}) on ${info.host}, compose ${info.extra.composeVersion}`);
  return info;
}

/** Starts dockerd for `info` (first start or after stopDaemon) and waits until the API answers. Updates info. */
export async function startDaemon(info) {
  const { extra } = info;
  if (info.pids?.[0] && isAlive(info.pids[0])) throw new Error(`dockerd (pid ${info.pids[0]}) is already running`);
  ensureDir(extra.execRoot);
  fs.rmSync(extra.socket, { force: true });
  fs.rmSync(extra.pidFile, { force: true });
  const args = [
    '--host',
    `unix://${extra.socket}`,
    '--data-root',
    extra.dataRoot,
    '--exec-root',
    extra.execRoot,
    '--pidfile',
    extra.pidFile,
    '--config-file',
    extra.daemonConfig,
    '--storage-driver',
    'overlay2',
    '--mtu',
    '1400',
  ];
  const pid = spawnDaemon(args, extra.logFile);
  info.pids = [pid];
  writeLock({ pid, bedDir: extra.bedDir, execRoot: extra.execRoot, socket: extra.socket });
  const deadline = Date.now() + 60_000;
  let lastError = 'no answer yet';
  for (;;) {
    if (!isAlive(pid)) throw new Error(`dockerd exited during start-up${logTail(extra.logFile)}`);
    try {
      if ((await engine(extra.socket, 'GET', '/_ping')).body === 'OK') break;
    } catch (error) {
      lastError = error.message;
    }
    if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${extra.socket} within 60 s (${lastError})${logTail(extra.logFile)}`);
    await sleep(200);
  }
  const version = JSON.parse((await engine(extra.socket, 'GET', '/version')).body);
  info.version = version.Version;
  extra.apiVersion = version.ApiVersion;
  // The CLI really talks to it (proves DOCKER_HOST + the chosen client work, not just the socket).
  const cliVersion = (await cli(info, ['version', '--format', '{{.Server.Version}}'])).stdout.trim();
  if (cliVersion !== info.version) throw new Error(`docker CLI reports engine ${cliVersion}, API says ${info.version}`);
  return info;
}

/** dockerd in its own process group, log appended to logFile; stdin closed. */
function spawnDaemon(args, logFile) {
  ensureDir(path.dirname(logFile));
  const out = fs.openSync(logFile, 'a');
  const child = childProcess.spawn(DOCKERD, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { PATH: DAEMON_PATH, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' },
  });
  child.unref();
  fs.closeSync(out);
  if (!child.pid) throw new Error(`could not start ${DOCKERD}`);
  return child.pid;
}

/**
 * Stops dockerd and everything it spawned (containerd, shims, docker-proxy, containers: the engine stops
 * containers on SIGTERM), but keeps exec-root and data so startDaemon(info) can bring it back. Updates info.
 */
export async function stopDaemon(info, { graceMs = 30_000 } = {}) {
  const pid = info.pids?.[0];
  const victims = daemonProcesses(info);
  if (pid && isAlive(pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && isAlive(pid)) await sleep(200);
  }
  // Whatever is left (containerd gets its own session; shims are reparented to init): kill it.
  const left = [...new Set([...victims, ...daemonProcesses(info)])].filter(isAlive);
  for (const p of left) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await waitGone(left, 10_000);
  for (const p of left.filter(isAlive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await waitGone(left, 5_000);
  info.pids = [];
  return info;
}

export async function stop(info) {
  const { extra } = info;
  const pid = info.pids?.[0];
  if (pid && isAlive(pid)) {
    await resetEngine(info).catch((error) => log(SERVICE, `cleaning containers failed: ${error.message}`));
  }
  await stopDaemon(info);
  await unmountUnder(extra.execRoot);
  await unmountUnder(extra.dataRoot);
  if (extra.execRoot?.startsWith(EXEC_ROOT_PREFIX)) fs.rmSync(extra.execRoot, { recursive: true, force: true });
  fs.rmSync(extra.socket, { force: true });
  fs.rmSync(extra.pidFile, { force: true });
  releaseLock(extra.bedDir);
  const left = daemonProcesses({ ...info, pids: pid ? [pid] : [] }).filter(isAlive);
  if (left.length) throw new Error(`processes left behind by dockerd: ${left.map(describe).join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// engine helpers

/** Removes every container, volume and non-default network: each test run starts from an empty engine. */
async function resetEngine(info) {
  const socket = info.extra.socket;
  const containers = JSON.parse((await engine(socket, 'GET', '/containers/json?all=1')).body);
  for (const c of containers) await engine(socket, 'DELETE', `/containers/${c.Id}?force=1&v=1`, undefined, [204, 404]);
  const { Volumes: volumes } = JSON.parse((await engine(socket, 'GET', '/volumes')).body);
  for (const v of volumes ?? []) await engine(socket, 'DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=1`, undefined, [204, 404]);
  const networks = JSON.parse((await engine(socket, 'GET', '/networks')).body);
  for (const n of networks) {
    if (['bridge', 'host', 'none'].includes(n.Name)) continue;
    await engine(socket, 'DELETE', `/networks/${n.Id}`, undefined, [204, 404]);
  }
  await engine(socket, 'POST', '/images/prune?filters=' + encodeURIComponent('{"dangling":["true"]}'));
}

/** local/debian:bookworm in the engine: already there (warm), loaded from the saved tar, or imported once. */
async function ensureBaseImage(info) {
  const socket = info.extra.socket;
  const present = (await engine(socket, 'GET', `/images/${BASE_IMAGE}/json`, undefined, [200, 404])).status === 200;
  if (!present) {
    if (fs.existsSync(imageTar)) {
      log(SERVICE, `loading ${BASE_IMAGE} from ${imageTar}`);
      await cli(info, ['load', '--quiet', '--input', imageTar]);
    } else if (fs.existsSync(rootfsTar)) {
      log(SERVICE, `importing ${BASE_IMAGE} from the mmdebstrap root filesystem (first run only)`);
      await cli(info, ['import', '--change', 'CMD ["bash"]', rootfsTar, BASE_IMAGE]);
    } else {
      throw new Error(`neither ${imageTar} nor ${rootfsTar} exists: run install() first`);
    }
  }
  if (!fs.existsSync(imageTar)) {
    await cli(info, ['save', '--output', `${imageTar}.partial`, BASE_IMAGE]);
    fs.renameSync(`${imageTar}.partial`, imageTar);
  }
  fs.rmSync(rootfsTar, { force: true });
  const inspect = JSON.parse((await engine(socket, 'GET', `/images/${BASE_IMAGE}/json`)).body);
  info.extra.baseImageId = inspect.Id;
}

/** The chosen docker CLI against this engine, with the plugins. */
export function cli(info, args, opts = {}) {
  return run(info.extra.dockerCli, args, {
    ...opts,
    env: { DOCKER_HOST: info.host, DOCKER_CONFIG: info.dockerConfig, ...(opts.env ?? {}) },
  });
}

/** One Engine API request over the unix socket. */
function engine(socket, method, urlPath, body, okStatuses = [200, 201, 204]) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: socket, method, path: urlPath, headers: body ? { 'Content-Type': 'application/json' } : {}, timeout: 60_000 },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          data += d;
        });
        res.on('end', () => {
          if (okStatuses.includes(res.statusCode)) resolve({ status: res.statusCode, body: data });
          else reject(new Error(`${method} ${urlPath}: HTTP ${res.statusCode} ${data.slice(0, 500)}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// processes, mounts, ownership

function procs() {
  const list = [];
  for (const entry of listDir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      list.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      /* exited meanwhile */
    }
  }
  return list;
}

/** dockerd, its descendants, and anything whose command line names its exec-root (containerd, shims) + theirs. */
function daemonProcesses(info) {
  const all = procs();
  const roots = new Set(info.pids ?? []);
  const execRoot = info.extra?.execRoot;
  for (const p of all) if (execRoot && p.cmdline.some((a) => a.includes(execRoot))) roots.add(p.pid);
  const result = new Set();
  const queue = [...roots].filter((p) => all.some((q) => q.pid === p));
  while (queue.length) {
    const p = queue.pop();
    if (result.has(p)) continue;
    result.add(p);
    for (const q of all) if (q.ppid === p) queue.push(q.pid);
  }
  return [...result];
}

/** Like lib's isAlive, but a zombie (exited, not yet reaped by init) counts as gone. */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readIfExists(`/proc/${pid}/stat`);
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function describe(pid) {
  try {
    return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return `${pid}`;
  }
}

async function waitGone(pids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(100);
}

/** Another dockerd on this host would fight ours over docker0 and the DOCKER iptables chains. */
function assertNoForeignDockerd() {
  const lock = readLock();
  const ours = lock && isAlive(lock.pid) ? lock.pid : undefined;
  const others = procs().filter((p) => p.pid !== ours && path.basename(p.cmdline[0] ?? '') === 'dockerd');
  if (others.length) {
    throw new Error(
      `another dockerd is running on this host (${others.map((p) => describe(p.pid)).join('; ')}); ` +
        "the test bed needs the host's docker0 bridge and iptables chains for itself: stop that daemon first",
    );
  }
}

function readLock() {
  try {
    return JSON.parse(fs.readFileSync(dataLock, 'utf8'));
  } catch {
    return undefined;
  }
}
function writeLock(lock) {
  ensureDir(dockerCache);
  fs.writeFileSync(dataLock, JSON.stringify(lock));
}
function releaseLock(bed) {
  const lock = readLock();
  if (lock && lock.bedDir === bed) fs.rmSync(dataLock, { force: true });
}

/**
 * Takes the data-root. A daemon left over from an earlier run of this checkout (state wiped, or crashed) is stopped
 * with everything it spawned; a live daemon of another test bed sharing this cache is an error.
 */
async function claimDataRoot(bed) {
  const lock = readLock();
  if (!lock) return;
  const alive = isAlive(lock.pid) && readIfExists(`/proc/${lock.pid}/cmdline`).includes(dataRoot);
  if (alive && lock.bedDir !== bed) {
    throw new Error(`${dataRoot} is in use by dockerd pid ${lock.pid} of another test bed (${lock.bedDir}); no two daemons may share a data-root`);
  }
  log(SERVICE, `cleaning up after dockerd pid ${lock.pid} of an earlier run (${alive ? 'still running' : 'gone'})`);
  await stop({
    pids: alive ? [lock.pid] : [],
    extra: { execRoot: lock.execRoot, dataRoot, socket: lock.socket, pidFile: path.join(lock.bedDir, 'dockerd.pid'), bedDir: lock.bedDir },
  });
  fs.rmSync(dataLock, { force: true });
}

/**
 * Exec-roots of earlier runs (the daemon crashed or the machine was reset mid-run): kill what still runs from
 * them (containerd, shims, containers), unmount and delete. Called when no test-bed dockerd runs on this host.
 */
async function sweepStaleExecRoots() {
  for (const name of listDir('/tmp')) {
    const execRoot = path.join('/tmp', name);
    if (!execRoot.startsWith(EXEC_ROOT_PREFIX)) continue;
    log(SERVICE, `removing the stale exec-root ${execRoot}`);
    await stopDaemon({ pids: [], extra: { execRoot } });
    await unmountUnder(execRoot);
    fs.rmSync(execRoot, { recursive: true, force: true });
  }
}

function mountsUnder(dir) {
  if (!dir) return [];
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readIfExists('/proc/self/mounts')
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m) => m && (m === dir || m.startsWith(prefix)))
    .reverse();
}

async function unmountUnder(dir) {
  for (const m of mountsUnder(dir)) await run('umount', ['-l', m]).catch(() => {});
}

function logTail(file) {
  return fs.existsSync(file) ? `\n--- last lines of ${file} ---\n${tailOf(file, 40)}` : '';
}

// ---------------------------------------------------------------------------------------------------------------
// CLI: simulate "the daemon went away" / "it came back" for a running test bed.

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command] = process.argv.slice(2);
  const actions = { 'stop-daemon': stopDaemon, 'start-daemon': startDaemon };
  const state = readState();
  if (!actions[command] || !state.docker) {
    console.error(!state.docker ? 'the docker test service is not running' : 'usage: docker.mjs stop-daemon|start-daemon');
    process.exit(2);
  }
  actions[command](state.docker)
    .then((info) => {
      writeState({ ...readState(), docker: info });
      console.log(JSON.stringify(info, null, 2));
    })
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
