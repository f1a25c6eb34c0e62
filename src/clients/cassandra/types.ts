// Archlab's own view of a Cassandra cluster; views and panels never see cassandra-driver types.

export interface CassandraConnection {
  /** host or host:port (9042 when omitted). */
  contactPoints: string[];
  localDataCenter: string;
  /** Per-query timeout in ms (default 5000). */
  queryTimeoutMs?: number;
}

export interface CqlColumn {
  name: string;
  type: string;
}

export type CqlValue = string | number | boolean | null | bigint | CqlValue[] | { [key: string]: CqlValue };

export interface CqlResult {
  columns: CqlColumn[];
  rows: Record<string, CqlValue>[];
  /** True when more rows exist than were fetched (the result was cut at maxRows). */
  truncated: boolean;
}

export interface TableInfo {
  keyspace: string;
  name: string;
  partitionKeys: string[];
  clusteringKeys: string[];
  columns: CqlColumn[];
}

export interface CassandraClient {
  releaseVersion(): Promise<string>;
  keyspaces(options?: { includeSystem?: boolean }): Promise<string[]>;
  tables(keyspace: string): Promise<TableInfo[]>;
  /**
   * Runs one statement (prepared when it has parameters), returning at most maxRows rows (default 500); `serial`
   * reads at LOCAL_SERIAL (sees the latest compare-and-set).
   */
  execute(cql: string, params?: unknown[], options?: { maxRows?: number; serial?: boolean }): Promise<CqlResult>;
  /** One logged batch (a compare-and-set when its statements carry IF); true when it was applied. */
  batch(statements: { query: string; params: unknown[] }[]): Promise<boolean>;
  close(): Promise<void>;
}

export type CassandraErrorKind = 'unreachable' | 'syntax' | 'invalid' | 'timeout' | 'unauthorized' | 'unknown';

export class CassandraClientError extends Error {
  /** Recognised by this brand across bundles (instanceof does not work across them). */
  readonly userFacing = true;
  readonly actions = [] as { title: string; command: string; args?: unknown[] }[];

  constructor(
    readonly kind: CassandraErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CassandraClientError';
  }
}
