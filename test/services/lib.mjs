// Shared plumbing for the test bed: paths, ports, processes, downloads.
// Every service module (kafka.mjs, cassandra.mjs, ...) builds on these helpers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Downloads and installed tools; survives between runs. */
export const cacheDir = process.env.ARCHLAB_CACHE_DIR ?? path.join(repoRoot, '.cache');
/** Data, logs and pids of the running services; wiped when the bed stops. */
export const bedDir = process.env.ARCHLAB_TESTBED_DIR ?? path.join(repoRoot, '.testbed');
export const stateFile = path.join(bedDir, 'state.json');

export function log(service, message) {
  process.stderr.write(`[testbed:${service}] ${message}\n`);
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; `what` names the wait in the timeout error. */
export async function waitFor(what, probe, { timeoutMs = 120_000, intervalMs = 500, logFile } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const tail = logFile && fs.existsSync(logFile) ? `\n--- last lines of ${logFile} ---\n${tailOf(logFile, 40)}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}${tail}`);
}

export function tailOf(file, lines) {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts a long-running process in its own process group, output appended to logFile. Returns its pid. */
export function spawnDetached(command, args, { cwd, env, logFile }) {
  ensureDir(path.dirname(logFile));
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.closeSync(out);
  if (!child.pid) throw new Error(`could not start ${command}`);
  return child.pid;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group, then SIGKILL after graceMs. */
export async function stopGroup(pid, { graceMs = 15_000 } = {}) {
  if (!pid || !isAlive(pid)) return;
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(200);
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await sleep(100);
}

/** Runs a command to completion; rejects with its output when it fails. */
export function run(command, args, { cwd, env, input, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!quiet) process.stderr.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-4000)}${stdout.slice(-2000)}`));
    });
    if (input) child.stdin.end(input);
    else child.stdin.end();
  });
}

export function commandExists(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, name)));
}

/** Installs Debian packages that are missing (we are root on the test machines). */
export async function ensureDebianPackages(packages, service = 'apt') {
  const missing = [];
  for (const pkg of packages) {
    try {
      const { stdout } = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
      if (!stdout.includes('install ok installed')) missing.push(pkg);
    } catch {
      missing.push(pkg);
    }
  }
  if (missing.length === 0) return;
  log(service, `installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/**
 * Resolves Maven artifacts (with their dependencies) into .cache/maven/<name>/lib, once.
 * `dependencies` are {groupId, artifactId, version, classifier?, type?} objects. Returns the lib folder.
 */
export async function mavenResolve(name, dependencies, { exclusions = [] } = {}) {
  const dir = ensureDir(path.join(cacheDir, 'maven', name));
  const lib = path.join(dir, 'lib');
  const key = JSON.stringify({ dependencies, exclusions });
  const marker = path.join(dir, '.resolved');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key) return lib;
  fs.rmSync(lib, { recursive: true, force: true });
  const deps = dependencies
    .map(
      (d) => `    <dependency>
      <groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version>
      ${d.classifier ? `<classifier>${d.classifier}</classifier>` : ''}${d.type ? `<type>${d.type}</type>` : ''}
      <exclusions>${exclusions.map((e) => `<exclusion><groupId>${e.groupId}</groupId><artifactId>${e.artifactId}</artifactId></exclusion>`).join('')}</exclusions>
    </dependency>`,
    )
    .join('\n');
  fs.writeFileSync(
    path.join(dir, 'pom.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>archlab.testbed</groupId><artifactId>${name}</artifactId><version>1</version>
  <dependencies>
${deps}
  </dependencies>
</project>
`,
  );
  log(name, 'resolving Maven artifacts (first run only)');
  await run(
    'mvn',
    [
      '-q',
      '-B',
      `-Dmaven.repo.local=${path.join(cacheDir, 'm2')}`,
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      `-DoutputDirectory=${lib}`,
      '-DincludeScope=runtime',
    ],
    { cwd: dir },
  );
  fs.writeFileSync(marker, key);
  return lib;
}

export function readState() {
  return fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
}

/** Atomic (write, then rename) so a reader never sees half a file. */
export function writeState(state) {
  ensureDir(bedDir);
  const temporary = `${stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(state, null, 2));
  fs.renameSync(temporary, stateFile);
}
