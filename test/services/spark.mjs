// Spark for the test bed: PySpark in local mode from a project-local virtualenv (no daemon).
// install(): .cache/venv with the pinned test/python/requirements.txt (pip cache in .cache/pip), then the Kafka and
// Cassandra connectors resolved once into the Ivy cache .cache/ivy by a trivial local-mode session.
// start(): checks the venv and returns {python, ivyDir, packages, version, pids: []} plus the Spark settings.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, ensureDir, log, repoRoot, run } from './lib.mjs';

/** Must equal the pyspark pin in test/python/requirements.txt (3.5.7: newest 3.5.x with its Kafka connector on Maven Central). */
export const SPARK_VERSION = '3.5.7';
export const CASSANDRA_CONNECTOR_VERSION = '3.5.1';
export const packages = [
  `org.apache.spark:spark-sql-kafka-0-10_2.12:${SPARK_VERSION}`,
  `com.datastax.spark:spark-cassandra-connector_2.12:${CASSANDRA_CONNECTOR_VERSION}`,
];

const venvDir = path.join(cacheDir, 'venv');
const python = path.join(venvDir, 'bin', 'python');
const pipCache = path.join(cacheDir, 'pip');
const ivyDir = path.join(cacheDir, 'ivy');
const requirements = path.join(repoRoot, 'test', 'python', 'requirements.txt');
const warmIvyScript = path.join(repoRoot, 'test', 'services', 'spark', 'warm_ivy.py');

/** Light local-mode settings shared by the Ivy warm-up and the pytest SparkSession fixture. */
export const sparkConf = {
  'spark.master': 'local[2]',
  'spark.driver.memory': '1g',
  'spark.sql.shuffle.partitions': '2',
  'spark.default.parallelism': '2',
  'spark.ui.enabled': 'false',
  'spark.ui.showConsoleProgress': 'false',
  'spark.driver.host': '127.0.0.1',
  'spark.driver.bindAddress': '127.0.0.1',
  'spark.sql.session.timeZone': 'UTC',
  'spark.jars.packages': packages.join(','),
  'spark.jars.ivy': ivyDir,
};

export const sparkEnv = {
  SPARK_LOCAL_IP: '127.0.0.1',
  PYSPARK_PYTHON: python,
  PYSPARK_DRIVER_PYTHON: python,
};

const sha = (text) => crypto.createHash('sha256').update(text).digest('hex');

async function venvWorks() {
  if (!fs.existsSync(python)) return false;
  try {
    await run(python, ['-c', 'import sys; assert sys.version_info >= (3, 8)']);
    return true;
  } catch {
    return false;
  }
}

async function ensureVenv() {
  const marker = path.join(venvDir, '.archlab-requirements');
  const key = sha(fs.readFileSync(requirements, 'utf8'));
  if ((await venvWorks()) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key) return;
  const env = { PIP_CACHE_DIR: ensureDir(pipCache), PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  if (!(await venvWorks())) {
    fs.rmSync(venvDir, { recursive: true, force: true });
    const base = process.env.ARCHLAB_PYTHON ?? 'python3';
    log('spark', `creating virtualenv ${venvDir} with ${base}`);
    await run(base, ['-m', 'venv', venvDir]);
  }
  log('spark', `pip install -r ${path.relative(repoRoot, requirements)} (pip cache ${pipCache})`);
  await run(python, ['-m', 'pip', 'install', '-q', '-r', requirements], { env });
  fs.writeFileSync(marker, key);
}

async function ensureIvy() {
  const marker = path.join(ivyDir, '.archlab-resolved');
  const key = JSON.stringify(packages);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === key) return;
  ensureDir(ivyDir);
  log('spark', `resolving ${packages.join(', ')} into ${ivyDir} (first run only)`);
  const { stdout, stderr } = await run(python, [warmIvyScript, JSON.stringify(sparkConf)], { env: sparkEnv });
  const downloads = (stderr.match(/downloading https?:/g) ?? []).length;
  log('spark', `Ivy downloaded ${downloads} artifacts; ${stdout.trim().split('\n').pop()}`);
  fs.writeFileSync(marker, key);
}

export async function install() {
  await ensureVenv();
  await ensureIvy();
}

export async function start() {
  if (!(await venvWorks())) throw new Error(`no working virtualenv at ${venvDir}: run install() (node test/services/bed.mjs start spark)`);
  const { stdout } = await run(python, [
    '-c',
    'import pyspark, sys, glob, os; print(pyspark.__version__); ' +
      'print(";".join(os.path.basename(j) for j in glob.glob(os.path.join(os.path.dirname(pyspark.__file__), "jars", "hadoop-client-*.jar"))))',
  ]);
  const [version, hadoopJars] = stdout.trim().split('\n');
  if (version !== SPARK_VERSION) throw new Error(`venv has pyspark ${version}, expected ${SPARK_VERSION}`);
  return {
    python,
    ivyDir,
    packages,
    version,
    pids: [],
    extra: { conf: sparkConf, env: sparkEnv, bundledHadoopClient: hadoopJars.split(';'), venv: venvDir },
  };
}

export async function stop() {
  // Nothing runs between tests: each pytest session starts (and stops) its own local-mode JVM.
}
