// Cassandra data access for the lab's views (lab-stacks/jobs/schema.cql): only the small, per-partition tables,
// so a refresh costs the same at 10K or 1M events. Lambda serving is read as the serving layer published it,
// with its breakdown (the batch version and the speed layer's counts since the cut-off): the extension shows what
// serving serves and never computes the merge again.
import type { CassandraClient, CqlValue } from '../clients/cassandra/types';
import { LAB_KEYSPACE, LAB_TABLES } from '../core/snacks';

export type LabView = 'truth' | 'validation' | 'batch' | 'speed' | 'serving' | 'kappa';

export interface ViewReading {
  view: LabView;
  version?: number;
  counts: Record<string, number>;
  /** Next offset per Kafka partition the counts reflect. */
  offsets: Record<number, number>;
  invalid: number;
  updatedAt?: string;
  /** Batch: the per-partition cut-off of the version serving adds to. */
  cutoff?: Record<number, number>;
}

/** A job's progress report (job_status): what the job last wrote of itself. */
export interface JobStatusRow {
  job: string;
  state: string;
  version: number | null;
  offsets: Record<number, number>;
  cutoff: Record<number, number>;
  rowsWritten: number;
  invalid: number;
  /** The job's own figures (JSON in the table). */
  detail: Record<string, unknown>;
  /** ms since the epoch. */
  updatedAt: number;
}

/** A topic's source truth as stored (lab-stacks/jobs/schema.cql, table truth). */
export interface StoredTruth {
  generated: Record<string, number>;
  outside: Record<string, number>;
  outsideInvalid: number;
  /** Every message below these offsets (exclusive) is accounted for. */
  offsets: Record<number, number>;
  /** Generator runs whose events carry `<run id>-` in their event_id. */
  runs: string[];
  updatedAt?: number;
}

export interface LabReadStats {
  /** Rows read by the last readAll(): the refresh cost (flat in the number of events). */
  rowsRead: number;
}

const num = (v: CqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const numberMap = (v: CqlValue | undefined): Record<number, number> =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [Number(k), num(x)])) : {};
const countMap = (v: CqlValue | undefined): Record<string, number> =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, num(x)])) : {};

export class LabViewsReader {
  readonly stats: LabReadStats = { rowsRead: 0 };
  private readonly views: string;
  private readonly pointers: string;
  private readonly statuses: string;
  private readonly requests: string;
  private readonly truth: string;

  constructor(
    private readonly client: CassandraClient,
    keyspace = LAB_KEYSPACE,
  ) {
    this.views = `${keyspace}.${LAB_TABLES.viewCounts}`;
    this.pointers = `${keyspace}.${LAB_TABLES.viewPointer}`;
    this.statuses = `${keyspace}.${LAB_TABLES.jobStatus}`;
    this.requests = `${keyspace}.${LAB_TABLES.jobRequests}`;
    this.truth = `${keyspace}.${LAB_TABLES.truth}`;
  }

  /** The stored truth of a topic (undefined when none was stored yet). Serial: the latest compare-and-set wins. */
  async readTruth(topic: string): Promise<StoredTruth | undefined> {
    const result = await this.client.execute(
      `SELECT item, generated, outside, offsets, outside_invalid, runs, updated_at FROM ${this.truth} WHERE topic = ?`,
      [topic],
      { maxRows: 1000, serial: true },
    );
    this.stats.rowsRead += result.rows.length;
    const first = result.rows[0];
    if (!first) return undefined;
    const generated: Record<string, number> = {};
    const outside: Record<string, number> = {};
    for (const row of result.rows) {
      if (row.item === null) continue;
      generated[String(row.item)] = num(row.generated);
      outside[String(row.item)] = num(row.outside);
    }
    return {
      generated,
      outside,
      outsideInvalid: num(first.outside_invalid),
      offsets: numberMap(first.offsets),
      runs: Array.isArray(first.runs) ? first.runs.map(String) : [],
      updatedAt: first.updated_at ? Date.parse(String(first.updated_at)) : undefined,
    };
  }

  /**
   * Writes a topic's truth (every snack's counts, the offsets, the runs) in one compare-and-set batch on its
   * partition, if the stored offsets are still `expectedOffsets` (undefined: nothing stored yet). True if applied.
   * Also writes the expected counts to view_counts('truth', 0), where the dashboards read them.
   */
  async writeTruth(topic: string, truth: StoredTruth, expectedOffsets: Record<number, number> | undefined): Promise<boolean> {
    const items = [...new Set([...Object.keys(truth.generated), ...Object.keys(truth.outside)])];
    const statements: { query: string; params: unknown[] }[] = items.map((item) => ({
      query: `UPDATE ${this.truth} SET generated = ?, outside = ? WHERE topic = ? AND item = ?`,
      params: [truth.generated[item] ?? 0, truth.outside[item] ?? 0, topic, item],
    }));
    const condition = expectedOffsets === undefined ? 'IF offsets = null' : 'IF offsets = ?';
    statements.push({
      query: `UPDATE ${this.truth} SET offsets = ?, outside_invalid = ?, runs = ?, updated_at = ? WHERE topic = ? ${condition}`,
      params: [truth.offsets, truth.outsideInvalid, truth.runs, new Date(), topic, ...(expectedOffsets === undefined ? [] : [expectedOffsets])],
    });
    const applied = await this.client.batch(statements);
    if (applied) {
      for (const item of items) {
        await this.client.execute(`UPDATE ${this.views} SET count = ?, updated_at = toTimestamp(now()) WHERE "view" = 'truth' AND version = 0 AND item = ?`, [
          (truth.generated[item] ?? 0) + (truth.outside[item] ?? 0),
          item,
        ]);
      }
      await this.client.execute(`UPDATE ${this.views} SET offsets = ?, invalid = ? WHERE "view" = 'truth' AND version = 0`, [
        truth.offsets,
        truth.outsideInvalid,
      ]);
    }
    return applied;
  }

  /** The progress reports of the given jobs (one partition each). */
  async readJobStatuses(jobs: string[]): Promise<Map<string, JobStatusRow>> {
    const rows = await Promise.all(
      jobs.map((job) =>
        this.client.execute(`SELECT job, state, version, offsets, cutoff, rows_written, invalid, detail, updated_at FROM ${this.statuses} WHERE job = ?`, [
          job,
        ]),
      ),
    );
    const out = new Map<string, JobStatusRow>();
    for (const result of rows) {
      this.stats.rowsRead += result.rows.length;
      const row = result.rows[0];
      if (!row) continue;
      let detail: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(String(row.detail ?? '{}'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
      } catch {
        // an older or foreign row: no figures
      }
      out.set(String(row.job), {
        job: String(row.job),
        state: String(row.state ?? ''),
        version: row.version === null || row.version === undefined ? null : num(row.version),
        offsets: numberMap(row.offsets),
        cutoff: numberMap(row.cutoff),
        rowsWritten: num(row.rows_written),
        invalid: num(row.invalid),
        detail,
        updatedAt: row.updated_at ? Date.parse(String(row.updated_at)) : 0,
      });
    }
    return out;
  }

  /** Asks a job to act now (the batch layer polls its request row); returns the request's time (ms since the epoch). */
  async requestJob(job: string): Promise<number> {
    const at = Date.now();
    await this.client.execute(`UPDATE ${this.requests} SET requested_at = ? WHERE job = ?`, [new Date(at), job]);
    return at;
  }

  async readView(view: Exclude<LabView, 'speed'>, version = 0): Promise<ViewReading> {
    const result = await this.client.execute(
      `SELECT item, count, offsets, invalid, updated_at FROM ${this.views} WHERE "view" = ? AND version = ?`,
      [view, version],
      {
        maxRows: 1000,
      },
    );
    this.stats.rowsRead += result.rows.length;
    const counts: Record<string, number> = {};
    for (const row of result.rows) if (row.item !== null) counts[String(row.item)] = num(row.count);
    const first = result.rows[0];
    return {
      view,
      version,
      counts,
      offsets: numberMap(first?.offsets),
      invalid: num(first?.invalid),
      updatedAt: first?.updated_at ? String(first.updated_at) : undefined,
    };
  }

  async readPointer(
    view: 'batch' | 'kappa',
  ): Promise<{ version: number; cutoff: Record<number, number>; bucketSize: number; publishedAt?: string } | undefined> {
    const result = await this.client.execute(`SELECT version, cutoff, bucket_size, published_at FROM ${this.pointers} WHERE "view" = ?`, [view]);
    this.stats.rowsRead += result.rows.length;
    const row = result.rows[0];
    if (!row || row.version === null) return undefined;
    return {
      version: num(row.version),
      cutoff: numberMap(row.cutoff),
      bucketSize: num(row.bucket_size) || 1,
      publishedAt: row.published_at ? String(row.published_at) : undefined,
    };
  }

  async readKappa(): Promise<ViewReading | undefined> {
    const pointer = await this.readPointer('kappa');
    return pointer ? this.readView('kappa', pointer.version) : undefined;
  }

  /**
   * Lambda as serving published it, in one read of its partition: serving's counts, the batch version and cut-off
   * they add to, and the speed layer's counts since that cut-off. The batch view is that version's partition.
   */
  async readLambda(): Promise<{ serving?: ViewReading; batch?: ViewReading; speed?: ViewReading }> {
    const result = await this.client.execute(
      `SELECT item, count, offsets, invalid, updated_at, batch_version, cutoff, speed, speed_invalid FROM ${this.views} WHERE "view" = 'serving' AND version = 0`,
      [],
      { maxRows: 1000 },
    );
    this.stats.rowsRead += result.rows.length;
    const first = result.rows[0];
    if (!first) return {};
    const counts: Record<string, number> = {};
    for (const row of result.rows) if (row.item !== null) counts[String(row.item)] = num(row.count);
    const offsets = numberMap(first.offsets);
    const updatedAt = first.updated_at ? String(first.updated_at) : undefined;
    const serving: ViewReading = { view: 'serving', version: 0, counts, offsets, invalid: num(first.invalid), updatedAt };
    const speed: ViewReading = { view: 'speed', counts: countMap(first.speed), offsets, invalid: num(first.speed_invalid), updatedAt };
    if (first.batch_version === null || first.batch_version === undefined) return { serving, speed };
    const batch = { ...(await this.readView('batch', num(first.batch_version))), cutoff: numberMap(first.cutoff) };
    return { serving, batch, speed };
  }

  /** The per-snack readings the comparison and the Cassandra view show. */
  async readAll(): Promise<Partial<Record<LabView, ViewReading>>> {
    this.stats.rowsRead = 0;
    const [truth, validation, lambda, kappa] = await Promise.all([this.readView('truth'), this.readView('validation'), this.readLambda(), this.readKappa()]);
    const present = (r: ViewReading | undefined) => (r && (Object.keys(r.counts).length > 0 || Object.keys(r.offsets).length > 0) ? r : undefined);
    return { truth: present(truth), validation: present(validation), batch: lambda.batch, speed: lambda.speed, serving: lambda.serving, kappa: present(kappa) };
  }
}
