// Stand-in images for the official ones the lab stacks use, built in the test bed's Docker engine (no registry can
// be reached on the test machines). Each is tagged with the official name and built from the same software
// versions the test bed already downloaded (Maven Central jars in .cache/maven, cqlsh from PyPI), with the official
// image's paths, users and entry-point contract, so the lab's compose files run unchanged. Images are kept in the
// engine (its data-root is cached) and rebuilt only when their inputs change (label org.archlab.standin.key).
import { execFile, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { IMAGES, STACKS, VERSIONS } from '../../src/core/stacks';
import { requireService } from '../support/testbed';
import { repoRoot } from './model';

const exec = promisify(execFile);
const imagesDir = path.join(repoRoot, 'test', 'stacks', 'images');
const cacheDir = process.env.ARCHLAB_CACHE_DIR ?? path.join(repoRoot, '.cache');
const wheelsDir = path.join(cacheDir, 'stacks', 'wheels');
const jobWheelsDir = path.join(cacheDir, 'stacks', 'job-wheels');
const jobRequirements = path.join(repoRoot, 'lab-stacks', 'jobs', 'requirements.txt');
const LABEL = 'org.archlab.standin.key';
export const STANDIN_BASE = 'archlab-standin/jre17:bookworm';

/** cqlsh 6.2.2 is Cassandra 5.0's cqlsh on PyPI; the driver pin is the test bed's (test/python/requirements.txt). */
const CQLSH_WHEELS = ['cqlsh==6.2.2', 'cassandra-driver==3.30.1'];

export interface DockerBed {
  cli: string;
  env: NodeJS.ProcessEnv;
}

export function dockerBed(): DockerBed {
  const info = requireService('docker');
  const extra = info.extra as { dockerCli: string };
  return { cli: extra.dockerCli, env: { ...process.env, DOCKER_HOST: info.host, DOCKER_CONFIG: info.dockerConfig } };
}

export async function docker(bed: DockerBed, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return exec(bed.cli, args, { env: bed.env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 600_000 });
}

/** A long command with its output collected (docker build prints a lot); rejects with the output tail. */
function runLogged(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code}\n--- last lines of ${logFile} ---\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}`,
          ),
        );
    });
  });
}

interface StandinSpec {
  tag: string;
  dir: string;
  /** Extra folders copied into the build context: { into: host folder }. */
  extra: () => Promise<Record<string, string>>;
}

async function ensureTestbedJars(service: 'kafka' | 'cassandra' | 'hdfs' | 'spark', lib: string): Promise<string> {
  if (fs.existsSync(lib) && fs.readdirSync(lib).some((f) => f.endsWith('.jar'))) return lib;
  // The test bed's own install() resolves them (once, cached).
  await exec(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(repoRoot, 'test', 'services', `${service}.mjs`))}); await m.install();`],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 900_000 },
  );
  return lib;
}

/** YARN's daemons for the Hadoop stand-in, resolved from Maven Central by the HDFS test service (once, cached). */
async function ensureYarnJars(): Promise<string> {
  const lib = path.join(cacheDir, 'maven', `hadoop-yarn-${VERSIONS.hadoop}`, 'lib');
  if (fs.existsSync(lib) && fs.readdirSync(lib).some((f) => f.endsWith('.jar'))) return lib;
  await exec(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(repoRoot, 'test', 'services', 'hdfs.mjs'))}); await m.installYarn();`],
    {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 900_000,
    },
  );
  return lib;
}

async function ensureCqlshWheels(): Promise<string> {
  const marker = path.join(wheelsDir, '.downloaded');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === CQLSH_WHEELS.join(' ')) return wheelsDir;
  fs.rmSync(wheelsDir, { recursive: true, force: true });
  fs.mkdirSync(wheelsDir, { recursive: true });
  // Debian 12's Python is 3.11 on x86_64: binary wheels for that interpreter, resolved by pip from PyPI.
  await exec(
    'python3',
    [
      '-m',
      'pip',
      'download',
      '--disable-pip-version-check',
      '--only-binary=:all:',
      '--python-version',
      '3.11',
      '--implementation',
      'cp',
      '--platform',
      'manylinux2014_x86_64',
      '-d',
      wheelsDir,
      ...CQLSH_WHEELS,
    ],
    { timeout: 600_000 },
  );
  fs.writeFileSync(marker, CQLSH_WHEELS.join(' '));
  return wheelsDir;
}

/** PySpark 3.5.7 as the test bed's Spark service installs it (.cache/venv, from PyPI): { pyspark, py4j } folders. */
async function ensurePyspark(): Promise<Record<string, string>> {
  const find = () => {
    const lib = path.join(cacheDir, 'venv', 'lib');
    const py = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => d.startsWith('python3')) : undefined;
    return py ? path.join(lib, py, 'site-packages') : '';
  };
  let site = find();
  if (!site || !fs.existsSync(path.join(site, 'pyspark', 'jars'))) {
    await ensureTestbedJars('spark', path.join(cacheDir, 'venv', 'no-such-dir'));
    site = find();
  }
  return { pyspark: path.join(site, 'pyspark'), py4j: path.join(site, 'py4j') };
}

/**
 * Wheels of the lab jobs' requirements (lab-stacks/jobs/requirements.txt) for Debian 12's Python 3.11, downloaded by
 * pip on the host (containers here cannot verify PyPI's TLS through the machine's proxy). Empty without the file.
 */
async function ensureJobWheels(): Promise<string> {
  const requirements = fs.existsSync(jobRequirements) ? fs.readFileSync(jobRequirements, 'utf8') : '';
  const key = crypto.createHash('sha256').update(requirements).digest('hex');
  const marker = path.join(jobWheelsDir, '.downloaded');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key) return jobWheelsDir;
  fs.rmSync(jobWheelsDir, { recursive: true, force: true });
  fs.mkdirSync(jobWheelsDir, { recursive: true });
  // pyspark and py4j come with the Spark image itself.
  const wanted = requirements
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l && !/^(pyspark|py4j)\b/i.test(l));
  if (wanted.length) {
    await exec(
      'python3',
      [
        '-m',
        'pip',
        'download',
        '--disable-pip-version-check',
        '--only-binary=:all:',
        '--python-version',
        '3.11',
        '--implementation',
        'cp',
        '--platform',
        'manylinux2014_x86_64',
        '--platform',
        'manylinux_2_28_x86_64',
        '-d',
        jobWheelsDir,
        ...wanted,
      ],
      { timeout: 900_000 },
    );
  }
  fs.writeFileSync(marker, key);
  return jobWheelsDir;
}

const SPECS: StandinSpec[] = [
  { tag: STANDIN_BASE, dir: 'base', extra: async () => ({}) },
  {
    tag: IMAGES.kafka,
    dir: 'kafka',
    extra: async () => ({ libs: await ensureTestbedJars('kafka', path.join(cacheDir, 'maven', 'kafka', 'lib')) }),
  },
  {
    tag: IMAGES.cassandra,
    dir: 'cassandra',
    extra: async () => ({ lib: await ensureTestbedJars('cassandra', path.join(cacheDir, 'maven', 'cassandra', 'lib')), wheels: await ensureCqlshWheels() }),
  },
  {
    tag: IMAGES.hadoop,
    dir: 'hadoop',
    extra: async () => ({
      lib: await ensureTestbedJars('hdfs', path.join(cacheDir, 'maven', `hadoop-${VERSIONS.hadoop}`, 'lib')),
      yarnlib: await ensureYarnJars(),
    }),
  },
  {
    tag: IMAGES.sparkBase,
    dir: 'spark',
    extra: async () => ({ ...(await ensurePyspark()), wheels: await ensureJobWheels() }),
  },
];

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const rel = path.join(prefix, e.name);
      if (e.isDirectory()) return listFiles(path.join(dir, e.name), rel);
      return e.name.startsWith('.') ? [] : [rel];
    })
    .sort();
}

/** Content key of a build context: script contents, jar/wheel names and sizes, and the base image's id. */
function contextKey(own: string, extra: Record<string, string>, baseId: string): string {
  const hash = crypto.createHash('sha256').update(baseId);
  for (const f of listFiles(own)) hash.update(f).update(fs.readFileSync(path.join(own, f)));
  for (const [into, dir] of Object.entries(extra)) {
    for (const f of listFiles(dir)) hash.update(`${into}/${f}:${fs.statSync(path.join(dir, f)).size}`);
  }
  return hash.digest('hex').slice(0, 24);
}

async function imageLabel(bed: DockerBed, tag: string): Promise<{ id: string; key: string } | undefined> {
  try {
    const { stdout } = await docker(bed, ['image', 'inspect', '--format', `{{.Id}} {{index .Config.Labels "${LABEL}"}}`, tag]);
    const [id, key] = stdout.trim().split(' ');
    return { id, key: key ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * The lab's own Spark image (archlab/lab-spark), built from its real Dockerfile and build context layout
 * (lab-stacks/images/jobs + lab-stacks/jobs/requirements.txt) on top of the Spark stand-in. Without a
 * requirements.txt yet, an empty one stands in.
 */
async function buildLabSpark(bed: DockerBed, logDir: string, sparkBaseId: string): Promise<StandinReport> {
  const started = Date.now();
  const own = path.join(repoRoot, 'lab-stacks', 'images', 'jobs');
  const requirements = fs.existsSync(jobRequirements) ? fs.readFileSync(jobRequirements, 'utf8') : '# (no lab-stacks/jobs/requirements.txt yet)\n';
  const key = crypto.createHash('sha256').update(sparkBaseId).update(requirements);
  for (const f of listFiles(own)) key.update(f).update(fs.readFileSync(path.join(own, f)));
  const digest = key.digest('hex').slice(0, 24);
  const current = await imageLabel(bed, IMAGES.labSpark);
  if (current?.key !== digest) {
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-lab-spark-'));
    try {
      fs.cpSync(own, path.join(ctx, 'images', 'jobs'), { recursive: true });
      fs.mkdirSync(path.join(ctx, 'jobs'));
      fs.writeFileSync(path.join(ctx, 'jobs', 'requirements.txt'), requirements);
      await runLogged(
        bed.cli,
        ['build', '--label', `${LABEL}=${digest}`, '--tag', IMAGES.labSpark, '--file', path.join(ctx, 'images', 'jobs', 'Dockerfile'), ctx],
        { ...bed.env, DOCKER_BUILDKIT: '0' },
        path.join(logDir, 'build-lab-spark.log'),
      );
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  }
  return { tag: IMAGES.labSpark, built: current?.key !== digest, seconds: (Date.now() - started) / 1000 };
}

/** The test bed's Ivy cache with the Kafka and Cassandra connectors (test/services/spark.mjs warms it once). */
export async function ensureIvyCache(): Promise<string> {
  const ivy = path.join(cacheDir, 'ivy');
  if (!fs.existsSync(path.join(ivy, 'jars')) || fs.readdirSync(path.join(ivy, 'jars')).length === 0) {
    await ensureTestbedJars('spark', path.join(ivy, 'no-such-dir'));
  }
  return ivy;
}

/**
 * The lab stack's Ivy volume (`<project>_spark-ivy`), created as compose would and filled from the test bed's Ivy
 * cache when empty: no registry is reachable here, so the jobs' `--packages` must find every artifact cached.
 */
export async function seedIvyVolume(bed: DockerBed, stack: 'lambda' | 'kappa', project = STACKS[stack].composeProject): Promise<void> {
  const volume = `${project}_spark-ivy`;
  const exists = await docker(bed, ['volume', 'inspect', volume]).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await docker(bed, ['volume', 'create', '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.volume=spark-ivy', volume]);
  }
  const ivy = await ensureIvyCache();
  await docker(bed, [
    'run',
    '--rm',
    '--user',
    'root',
    '--volume',
    `${volume}:/opt/archlab/ivy`,
    '--volume',
    `${ivy}:/seed:ro`,
    '--entrypoint',
    'bash',
    IMAGES.labSpark,
    '-c',
    '[ -d /opt/archlab/ivy/jars ] || { cp -a /seed/. /opt/archlab/ivy/ && chown -R spark:spark /opt/archlab/ivy; }',
  ]);
}

export interface StandinReport {
  tag: string;
  built: boolean;
  seconds: number;
}

/** Builds (or finds, up to date) the stand-in images. logDir receives the build output. */
export async function ensureStandinImages(bed: DockerBed, logDir: string): Promise<StandinReport[]> {
  fs.mkdirSync(logDir, { recursive: true });
  const reports: StandinReport[] = [];
  let baseId = (await imageLabel(bed, 'local/debian:bookworm'))?.id ?? '';
  for (const spec of SPECS) {
    const started = Date.now();
    const own = path.join(imagesDir, spec.dir);
    const extra = await spec.extra();
    const key = contextKey(own, extra, baseId);
    const current = await imageLabel(bed, spec.tag);
    if (current?.key !== key) {
      const ctx = fs.mkdtempSync(path.join(os.tmpdir(), `archlab-standin-${spec.dir}-`));
      try {
        fs.cpSync(own, ctx, { recursive: true });
        for (const [into, dir] of Object.entries(extra))
          fs.cpSync(dir, path.join(ctx, into), { recursive: true, filter: (src) => !path.basename(src).startsWith('.') });
        await runLogged(
          bed.cli,
          ['build', '--label', `${LABEL}=${key}`, '--tag', spec.tag, '--build-arg', `BASE=${STANDIN_BASE}`, ctx],
          { ...bed.env, DOCKER_BUILDKIT: '0' },
          path.join(logDir, `build-${spec.dir}.log`),
        );
      } finally {
        fs.rmSync(ctx, { recursive: true, force: true });
      }
    }
    if (spec.tag === STANDIN_BASE) baseId = (await imageLabel(bed, STANDIN_BASE))?.id ?? '';
    reports.push({ tag: spec.tag, built: current?.key !== key, seconds: (Date.now() - started) / 1000 });
  }
  reports.push(await buildLabSpark(bed, logDir, (await imageLabel(bed, IMAGES.sparkBase))?.id ?? ''));
  return reports;
}
