// Reads the lab's small view tables (lab-stacks/jobs/schema.cql): never the history, only per-partition
// queries on view_counts, view_pointer and speed_buckets since the batch cut-off, so a refresh costs the
// same at 10K or 1M events.
import type { CassandraClient, CqlValue } from '../clients/cassandra/types';

export const LAB_KEYSPACE = 'archlab';
export type LabView = 'truth' | 'validation' | 'batch' | 'speed' | 'serving' | 'kappa';

export interface ViewReading {
  view: LabView;
  version?: number;
  counts: Record<string, number>;
  /** Next offset per Kafka partition the counts reflect. */
  offsets: Record<number, number>;
  invalid: number;
  updatedAt?: string;
  /** Batch: the per-partition cut-off of the served version. */
  cutoff?: Record<number, number>;
}

export interface LabReadStats {
  /** Rows read by the last readAll(): the refresh cost (flat in the number of events). */
  rowsRead: number;
}

const num = (v: CqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const numberMap = (v: CqlValue | undefined): Record<number, number> =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [Number(k), num(x)])) : {};

/** Writes the generator's truth as absolute counts under a deterministic key (one partition, one batch-free upsert per snack). */
export async function writeTruth(client: CassandraClient, truth: Record<string, number>, keyspace = LAB_KEYSPACE): Promise<void> {
  for (const [item, count] of Object.entries(truth)) {
    await client.execute(`INSERT INTO ${keyspace}.view_counts ("view", version, item, count, updated_at) VALUES ('truth', 0, ?, ?, toTimestamp(now()))`, [
      item,
      count,
    ]);
  }
}

export class LabViewsReader {
  readonly stats: LabReadStats = { rowsRead: 0 };

  constructor(
    private readonly client: CassandraClient,
    private readonly keyspace = LAB_KEYSPACE,
  ) {}

  async readView(view: Exclude<LabView, 'speed'>, version = 0): Promise<ViewReading> {
    const result = await this.client.execute(
      `SELECT item, count, offsets, invalid, updated_at FROM ${this.keyspace}.view_counts WHERE "view" = ? AND version = ?`,
      [view, version],
      { maxRows: 1000 },
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
    const result = await this.client.execute(`SELECT version, cutoff, bucket_size, published_at FROM ${this.keyspace}.view_pointer WHERE "view" = ?`, [view]);
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

  /** The served batch version, with its cut-off. */
  async readBatch(): Promise<ViewReading | undefined> {
    const pointer = await this.readPointer('batch');
    if (!pointer) return undefined;
    return { ...(await this.readView('batch', pointer.version)), cutoff: pointer.cutoff };
  }

  async readKappa(): Promise<ViewReading | undefined> {
    const pointer = await this.readPointer('kappa');
    return pointer ? this.readView('kappa', pointer.version) : undefined;
  }

  /** The speed layer's counts at or after the batch cut-off (all of them before the first batch). */
  async readSpeedSinceCutoff(partitions: number[], cutoff: Record<number, number> = {}, bucketSize = 1): Promise<ViewReading> {
    const counts: Record<string, number> = {};
    const offsets: Record<number, number> = {};
    let invalid = 0;
    for (const partition of partitions) {
      const fromBucket = Math.floor((cutoff[partition] ?? 0) / bucketSize);
      const result = await this.client.execute(
        `SELECT bucket, item, count, next_offset, invalid FROM ${this.keyspace}.speed_buckets WHERE kafka_partition = ? AND bucket >= ?`,
        [partition, fromBucket],
        { maxRows: 100_000 },
      );
      this.stats.rowsRead += result.rows.length;
      for (const row of result.rows) if (row.item !== null) counts[String(row.item)] = (counts[String(row.item)] ?? 0) + num(row.count);
      if (result.rows.length > 0) {
        offsets[partition] = num(result.rows[0].next_offset);
        invalid += num(result.rows[0].invalid);
      }
    }
    return { view: 'speed', counts, offsets, invalid };
  }

  /** The per-snack readings the comparison and the Cassandra view show. */
  async readAll(partitions = [0, 1, 2]): Promise<Partial<Record<LabView, ViewReading>>> {
    this.stats.rowsRead = 0;
    const [truth, validation, batch, serving, kappa] = await Promise.all([
      this.readView('truth'),
      this.readView('validation'),
      this.readBatch(),
      this.readView('serving'),
      this.readKappa(),
    ]);
    const pointer = batch ? await this.readPointer('batch') : undefined;
    const speed = await this.readSpeedSinceCutoff(partitions, pointer?.cutoff, pointer?.bucketSize);
    const present = (r: ViewReading | undefined) => (r && (Object.keys(r.counts).length > 0 || Object.keys(r.offsets).length > 0) ? r : undefined);
    return { truth: present(truth), validation: present(validation), batch, speed: present(speed), serving: present(serving), kappa: present(kappa) };
  }
}
