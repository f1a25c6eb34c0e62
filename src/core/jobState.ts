// What state a pipeline job is in, from what can be observed of it: its container (Docker), its last progress report
// (job_status in Cassandra) and the topic's end offsets (Kafka). Pure: the jobs service observes, this decides.
// A report older than the job's interval means stalled whatever the row says: a job killed with SIGKILL never
// writes "stopped".

export type JobState = 'not-started' | 'starting' | 'running' | 'behind' | 'stalled' | 'failed' | 'stopped';

export interface ContainerObservation {
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
  /** ms since the epoch (Docker's State.StartedAt). */
  startedAt?: number;
  exitCode?: number;
  oomKilled?: boolean;
  restartCount?: number;
  /** The last lines of its log, newest last (for the reason of a failure). */
  logTail?: string[];
}

export interface JobReport {
  /** What the job wrote: starting, running, waiting, counting, published, idle, replaying, switched, error, stopped… */
  state: string;
  /** ms since the epoch. */
  updatedAt: number;
  offsets: Record<number, number>;
  rowsWritten: number;
  version?: number;
  cutoff?: Record<number, number>;
  detail: Record<string, unknown>;
}

export interface JobObservation {
  container?: ContainerObservation;
  report?: JobReport;
  /** The topic's end offsets now. */
  ends?: Record<number, number>;
  now: number;
  /** The job reports at least this often while it runs (a heartbeat); longer silence means stalled. */
  staleAfterMs: number;
  /** Whether the job follows the topic (lag counts); the batch layer works in cycles instead. */
  follows: boolean;
  /** The previous verdict on this job, to measure rates and lag trends. */
  previous?: JobVerdict;
}

export interface JobVerdict {
  state: JobState;
  /** Why, in words, for anything but running. */
  reason?: string;
  at: number;
  /** Messages between the job's offsets and the topic's end. */
  lag?: number;
  /** Σ offsets processed (for the rate). */
  processed?: number;
  /** Messages per second processed, over the last two observations. */
  eventsPerSecond?: number;
  /** Recent (time, lag) observations, oldest first, for the trend (the last LAG_HISTORY_MS). */
  lagHistory?: [number, number][];
  /** ms since the job's last report. */
  reportAgeMs?: number;
}

/** A job is "behind" when its lag never came back to zero and grew over this long. */
export const BEHIND_AFTER_MS = 10_000;
const LAG_HISTORY_MS = 30_000;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function lastErrorLine(lines: string[] | undefined): string | undefined {
  const errors = (lines ?? []).filter((l) => /error|exception|failed|traceback|killed/i.test(l) && l.trim() !== '');
  const line = errors.at(-1) ?? lines?.filter((l) => l.trim() !== '').at(-1);
  return line ? line.trim().slice(0, 300) : undefined;
}

function exitReason(container: ContainerObservation): string {
  if (container.oomKilled) return 'killed: out of memory (its container hit its memory limit)';
  const code = container.exitCode;
  const signal = code !== undefined && code > 128 ? code - 128 : undefined;
  const how = signal === 9 ? 'killed (SIGKILL, exit 137)' : signal === 15 ? 'terminated (SIGTERM)' : `exited with code ${code}`;
  const line = lastErrorLine(container.logTail);
  return line ? `${how}: ${line}` : how;
}

export function judgeJob(o: JobObservation): JobVerdict {
  const { container, report, now } = o;
  const base = { at: now };
  if (!container) return { ...base, state: 'not-started' };
  if (container.state === 'exited' || container.state === 'dead') {
    if (container.exitCode === 0)
      return { ...base, state: 'stopped', reason: report?.state === 'switched' ? `switched: version ${report.version} is served` : 'stopped' };
    return { ...base, state: 'failed', reason: exitReason(container) };
  }
  if (container.state === 'restarting') return { ...base, state: 'starting', reason: `restarting after it ${exitReason(container)}` };
  if (container.state === 'created' || container.state === 'paused' || container.state === 'removing' || container.state === 'unknown') {
    return { ...base, state: container.state === 'paused' ? 'stalled' : 'starting', reason: container.state };
  }
  // Running: the report says how it goes, if it is from this run of the container.
  const fresh = report && (container.startedAt === undefined || report.updatedAt >= container.startedAt - 1000);
  if (!report || !fresh) return { ...base, state: 'starting', reason: 'launching (Spark, connectors) and no progress reported yet' };
  const reportAgeMs = Math.max(0, now - report.updatedAt);
  const processed = sum(Object.values(report.offsets));
  const lag = o.ends && o.follows ? sum(Object.entries(o.ends).map(([p, end]) => Math.max(0, end - (report.offsets[Number(p)] ?? 0)))) : undefined;
  const previous = o.previous;
  const dt = previous ? (now - previous.at) / 1000 : 0;
  const eventsPerSecond = previous?.processed !== undefined && dt > 0 ? Math.max(0, (processed - previous.processed) / dt) : undefined;
  const lagHistory: [number, number][] = [
    ...(previous?.lagHistory ?? []).filter(([at]) => now - at <= LAG_HISTORY_MS),
    ...(lag !== undefined ? [[now, lag] as [number, number]] : []),
  ];
  const figures = { ...base, lag, processed, eventsPerSecond, lagHistory, reportAgeMs };
  if (reportAgeMs > o.staleAfterMs)
    return { ...figures, state: 'stalled', reason: `no progress report for ${Math.round(reportAgeMs / 1000)} s (it reports every few seconds while alive)` };
  if (report.state === 'error') return { ...figures, state: 'failed', reason: `retrying after: ${String(report.detail.error ?? 'an error')}` };
  if (isBehind(lagHistory, now))
    return { ...figures, state: 'behind', reason: `its lag grew to ${lag} messages over the last ${Math.round(BEHIND_AFTER_MS / 1000)} s` };
  return { ...figures, state: 'running' };
}

/** Lag above zero at every observation of the last BEHIND_AFTER_MS, and higher now than at its start. */
function isBehind(history: [number, number][], now: number): boolean {
  const window = history.filter(([at]) => now - at <= BEHIND_AFTER_MS + 1000);
  const first = window[0];
  if (!first || now - first[0] < BEHIND_AFTER_MS - 1000) return false;
  const last = window[window.length - 1];
  return window.every(([, lag]) => lag > 0) && last[1] > first[1];
}
