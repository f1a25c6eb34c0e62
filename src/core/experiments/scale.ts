// The scale experiment, "more RAM or more nodes?": the same backlog counted by the Spark jobs under several
// settings of Spark workers × cores per job × executor memory. Per setting and pipeline: how long the jobs took to
// start, how fast they caught up with the backlog, what the executors used; and whether a setting changed the
// throughput measurably, or why not (read from what was measured).
import { parseMemory } from '../stacks';

export interface ScaleSetting {
  label: string;
  /** Spark standalone workers (compose replicas of spark-worker). */
  sparkWorkers: number;
  /** spark.cores.max and spark.executor.cores of every Spark job. */
  coresPerJob: number;
  /** spark.executor.memory of every Spark job ("512m", "1g"). */
  executorMemory: string;
}

export interface ScaleOptions {
  settings: ScaleSetting[];
  /** Events sent while the jobs are stopped; each setting counts such a backlog from where its jobs left off. */
  backlogEvents: number;
  /** A setting whose jobs have not caught up after this long (ms) is recorded as not caught up. */
  timeoutMs: number;
}

/** Below this relative change, a throughput difference is within what two runs of one setting differ by here. */
export const SCALE_NOISE = 0.15;

/** "workers:cores:memory", e.g. 1:2:512m: one worker, two cores per job, 512 MiB executors. */
export function parseScaleSetting(text: string): ScaleSetting {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*:\s*(\d+(?:\.\d+)?\s*[kmg]?)\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a scale setting: write workers:cores:memory, e.g. 1:2:512m`);
  const [sparkWorkers, coresPerJob] = [Number(m[1]), Number(m[2])];
  const executorMemory = m[3].replace(/\s/g, '').toLowerCase();
  if (sparkWorkers < 1 || sparkWorkers > 4) throw new Error(`"${text}": between 1 and 4 Spark workers`);
  if (coresPerJob < 1 || coresPerJob > 8) throw new Error(`"${text}": between 1 and 8 cores per job`);
  const mib = parseMemory(executorMemory);
  if (mib < 384 || mib > 4096) throw new Error(`"${text}": executor memory between 384m and 4g`);
  return { sparkWorkers, coresPerJob, executorMemory, label: scaleLabel({ sparkWorkers, coresPerJob, executorMemory }) };
}

export function scaleLabel(s: Omit<ScaleSetting, 'label'>): string {
  return `${s.sparkWorkers} worker${s.sparkWorkers === 1 ? '' : 's'} × ${s.coresPerJob} core${s.coresPerJob === 1 ? '' : 's'} per job, ${s.executorMemory} executors`;
}

export const SCALE_PRESETS: Record<'cores' | 'memory' | 'full', ScaleSetting[]> = {
  cores: ['1:1:512m', '1:2:512m'].map(parseScaleSetting),
  memory: ['1:1:512m', '1:1:1g'].map(parseScaleSetting),
  full: ['1:1:512m', '1:2:512m', '1:1:1g', '2:2:512m'].map(parseScaleSetting),
};

export const DEFAULT_SCALE: ScaleOptions = { settings: SCALE_PRESETS.full, backlogEvents: 400_000, timeoutMs: 15 * 60_000 };

export function validateScale(options: ScaleOptions): void {
  if (options.settings.length < 2) throw new Error('a scale experiment compares at least two settings');
  if (!Number.isInteger(options.backlogEvents) || options.backlogEvents < 10_000) throw new Error('the backlog is a whole number of at least 10,000 events');
  if (!(options.timeoutMs > 0)) throw new Error('the timeout must be positive');
}

/**
 * The compose environment of a setting, over the memory profile's (`base`). A worker is sized so that both Spark
 * apps of a stack fit on it (kappa: stream and replay; lambda: speed layer and ingest): a job that asks for more
 * cores or memory than a worker offers would wait for resources forever.
 */
export function scaleEnv(setting: ScaleSetting, base: Record<string, string>): Record<string, string> {
  const baseExecutor = parseMemory(base.ARCHLAB_SPARK_EXECUTOR_MEMORY ?? '512m');
  const executor = parseMemory(setting.executorMemory);
  const number = (key: string, fallback: number) => Number.parseInt(base[key] ?? '', 10) || fallback;
  const mib = (key: string, fallback: number) => (base[key] ? parseMemory(base[key]) : fallback);
  return {
    ARCHLAB_SPARK_WORKERS: String(setting.sparkWorkers),
    ARCHLAB_SPARK_CORES_PER_JOB: String(setting.coresPerJob),
    ARCHLAB_SPARK_EXECUTOR_MEMORY: setting.executorMemory,
    ARCHLAB_SPARK_WORKER_CORES: String(Math.max(number('ARCHLAB_SPARK_WORKER_CORES', 2), 2 * setting.coresPerJob)),
    ARCHLAB_SPARK_WORKER_MEMORY: `${Math.max(mib('ARCHLAB_SPARK_WORKER_MEMORY', 1024), 2 * executor)}m`,
    // The worker container holds its daemon and the executors' JVMs: grow its limit with what they may use.
    ARCHLAB_SPARK_WORKER_MEM: `${mib('ARCHLAB_SPARK_WORKER_MEM', 1600) + Math.max(0, 2 * (executor - baseExecutor))}m`,
  };
}
