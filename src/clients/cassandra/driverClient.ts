// CassandraClient over the DataStax cassandra-driver. Loaded on first use (its own bundle).
import * as cassandra from 'cassandra-driver';
import { parseHostPort } from '../../core/settings';
import { CassandraClientError, type CassandraClient, type CassandraConnection, type CqlResult, type CqlValue, type TableInfo } from './types';

const SYSTEM_KEYSPACES = new Set(['system', 'system_auth', 'system_distributed', 'system_schema', 'system_traces', 'system_views', 'system_virtual_schema']);

export class DriverCassandraClient implements CassandraClient {
  private readonly client: cassandra.Client;
  private connecting: Promise<void> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly connection: CassandraConnection) {
    this.timeoutMs = connection.queryTimeoutMs ?? 5000;
    const points = connection.contactPoints.map((p) => parseHostPort(p, 9042));
    if (points.length === 0 || points.some((p) => !p))
      throw new CassandraClientError('invalid', `Invalid Cassandra contact points: ${connection.contactPoints.join(', ')} (use host or host:port).`);
    this.client = new cassandra.Client({
      contactPoints: points.map((p) => `${p!.host}:${p!.port}`),
      localDataCenter: connection.localDataCenter,
      socketOptions: { connectTimeout: this.timeoutMs, readTimeout: this.timeoutMs },
      // Reconnect quickly after the node comes back; the view retries on refresh.
      policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1000) },
    });
  }

  private where(): string {
    return this.connection.contactPoints.join(', ');
  }

  private connect(): Promise<void> {
    this.connecting ??= this.client.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw this.explain(error);
    });
    return this.connecting;
  }

  async releaseVersion(): Promise<string> {
    const result = await this.execute('SELECT release_version FROM system.local');
    return String(result.rows[0]?.release_version ?? 'unknown');
  }

  async keyspaces(options: { includeSystem?: boolean } = {}): Promise<string[]> {
    const result = await this.execute('SELECT keyspace_name FROM system_schema.keyspaces', [], { maxRows: 10_000 });
    return result.rows
      .map((r) => String(r.keyspace_name))
      .filter((k) => options.includeSystem || !SYSTEM_KEYSPACES.has(k))
      .sort();
  }

  async tables(keyspace: string): Promise<TableInfo[]> {
    const result = await this.execute('SELECT table_name, column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = ?', [keyspace], {
      maxRows: 100_000,
    });
    const tables = new Map<string, TableInfo & { order: Map<string, number> }>();
    for (const row of result.rows) {
      const name = String(row.table_name);
      const table = tables.get(name) ?? {
        keyspace,
        name,
        partitionKeys: [] as string[],
        clusteringKeys: [] as string[],
        columns: [] as { name: string; type: string }[],
        order: new Map<string, number>(),
      };
      tables.set(name, table);
      table.columns.push({ name: String(row.column_name), type: String(row.type) });
      table.order.set(String(row.column_name), Number(row.position));
      if (row.kind === 'partition_key') table.partitionKeys.push(String(row.column_name));
      if (row.kind === 'clustering') table.clusteringKeys.push(String(row.column_name));
    }
    return [...tables.values()]
      .map(({ order, ...table }) => ({
        ...table,
        partitionKeys: table.partitionKeys.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
        clusteringKeys: table.clusteringKeys.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async execute(cql: string, params: unknown[] = [], options: { maxRows?: number; serial?: boolean } = {}): Promise<CqlResult> {
    await this.connect();
    const maxRows = options.maxRows ?? 500;
    try {
      const rows: Record<string, CqlValue>[] = [];
      let columns: { name: string; type: string }[] = [];
      let pageState: string | undefined;
      do {
        const result = await this.client.execute(cql, params, {
          prepare: params.length > 0,
          fetchSize: Math.min(maxRows + 1, 5000),
          pageState,
          readTimeout: this.timeoutMs,
          ...(options.serial ? { consistency: cassandra.types.consistencies.localSerial } : {}),
        });
        columns = (result.columns ?? []).map((c) => ({ name: c.name, type: typeName(c.type) }));
        for (const row of result.rows ?? []) rows.push(Object.fromEntries(columns.map((c) => [c.name, toPlain(row[c.name])])));
        pageState = result.pageState ?? undefined;
      } while (pageState && rows.length <= maxRows);
      return { columns, rows: rows.slice(0, maxRows), truncated: rows.length > maxRows || pageState !== undefined };
    } catch (error) {
      throw this.explain(error);
    }
  }

  async batch(statements: { query: string; params: unknown[] }[]): Promise<boolean> {
    await this.connect();
    try {
      const result = await this.client.batch(statements, { prepare: true, logged: true, readTimeout: this.timeoutMs });
      return result.wasApplied();
    } catch (error) {
      throw this.explain(error);
    }
  }

  async close(): Promise<void> {
    await this.client.shutdown().catch(() => undefined);
  }

  private explain(error: unknown): CassandraClientError {
    if (error instanceof CassandraClientError) return error;
    const e = error as { name?: string; message?: string; code?: number; innerErrors?: Record<string, Error> };
    const message = e.message ?? String(error);
    if (
      e.name === 'NoHostAvailableError' ||
      /All host\(s\) tried for query failed|ECONNREFUSED|connect ETIMEDOUT|Socket was closed|ECONNRESET|EPIPE/.test(message)
    ) {
      const inner = Object.values(e.innerErrors ?? {})[0]?.message;
      return new CassandraClientError(
        'unreachable',
        `Cassandra is not reachable at ${this.where()}${inner ? ` (${inner})` : ''}. Is the stack running? Check archlab.cassandra.contactPoints.`,
        { cause: error },
      );
    }
    if (e.name === 'OperationTimedOutError' || /timed out/i.test(message)) {
      return new CassandraClientError(
        'timeout',
        `Cassandra did not answer within ${this.timeoutMs / 1000} s at ${this.where()}. It may be starting or overloaded; try again.`,
        { cause: error },
      );
    }
    if (e.code === cassandra.types.responseErrorCodes.syntaxError) return new CassandraClientError('syntax', `CQL syntax error: ${message}`, { cause: error });
    if (e.code === cassandra.types.responseErrorCodes.invalid) return new CassandraClientError('invalid', `Invalid CQL: ${message}`, { cause: error });
    if (e.code === cassandra.types.responseErrorCodes.unauthorized || e.code === cassandra.types.responseErrorCodes.badCredentials) {
      return new CassandraClientError('unauthorized', `Cassandra refused the request: ${message}`, { cause: error });
    }
    if (/local data ?center/i.test(message)) {
      return new CassandraClientError('invalid', `${message} Set archlab.cassandra.localDataCenter to the data center of your cluster.`, { cause: error });
    }
    return new CassandraClientError('unknown', message, { cause: error });
  }
}

function typeName(type: { code: number; info?: unknown }): string {
  const names = cassandra.types.dataTypes as unknown as Record<string, number>;
  return Object.keys(names).find((key) => names[key] === type.code && Number.isNaN(Number(key))) ?? `type ${type.code}`;
}

/** Driver values (Long, Uuid, BigDecimal, Map, Set, Date …) as plain JSON-friendly values. */
function toPlain(value: unknown): CqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Date) return value.toISOString();
  if (cassandra.types.Long.isLong(value)) {
    const long = value as cassandra.types.Long;
    return long.greaterThan(cassandra.types.Long.fromNumber(Number.MAX_SAFE_INTEGER)) || long.lessThan(cassandra.types.Long.fromNumber(Number.MIN_SAFE_INTEGER))
      ? BigInt(long.toString())
      : long.toNumber();
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Set) return [...value].map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (typeof (value as { toString?: unknown }).toString === 'function' && Object.getPrototypeOf(value) !== Object.prototype) return String(value);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toPlain(v)]));
}
