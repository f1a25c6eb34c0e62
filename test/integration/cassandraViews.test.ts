// The Cassandra client and the lab-view reader against the test bed's real Cassandra 5, with the real schema.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DriverCassandraClient } from '../../src/clients/cassandra/driverClient';
import { CassandraClientError } from '../../src/clients/cassandra/types';
import { LabViewsReader } from '../../src/services/labViews';
import { applySchema } from '../support/labSchema';
import { requireService } from '../support/testbed';

const keyspace = `archlab_views_${Date.now().toString(36)}`;
const SNACKS = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'];

describe('Cassandra client and lab views (real Cassandra 5, real schema)', function () {
  this.timeout(120_000);
  const cassandra = requireService('cassandra');
  const client = new DriverCassandraClient({ contactPoints: [cassandra.contactPoint], localDataCenter: cassandra.localDataCenter });
  const reader = new LabViewsReader(client, keyspace);
  const counts = (base: number) => Object.fromEntries(SNACKS.map((s, i) => [s, base + i]));
  const writeView = async (view: string, version: number, values: Record<string, number>, offsets: Record<number, number>, invalid = 0) => {
    for (const [item, count] of Object.entries(values)) {
      await client.execute(`INSERT INTO ${keyspace}.view_counts ("view", version, item, count) VALUES (?, ?, ?, ?)`, [view, version, item, count]);
    }
    await client.execute(`UPDATE ${keyspace}.view_counts SET offsets = ?, invalid = ?, updated_at = toTimestamp(now()) WHERE "view" = ? AND version = ?`, [
      offsets,
      invalid,
      view,
      version,
    ]);
  };

  before(async () => {
    await applySchema(client, keyspace);
    await writeView('validation', 0, counts(100), { 0: 400, 1: 410, 2: 420 }, 7);
    await writeView('batch', 1, counts(10), { 0: 100, 1: 100, 2: 100 });
    await writeView('batch', 2, counts(50), { 0: 300, 1: 300, 2: 300 });
    await client.execute(
      `INSERT INTO ${keyspace}.view_pointer ("view", version, cutoff, bucket_size, published_at) VALUES ('batch', 2, ?, 100, toTimestamp(now()))`,
      [{ 0: 300, 1: 300, 2: 300 }],
    );
    // Serving as the serving layer publishes it: its counts, and beside them the batch version and cut-off it adds
    // to and the speed layer's counts since that cut-off (batch 1 is an older version that must not be read).
    await writeView('serving', 0, { ...counts(50), twix: counts(50).twix + 9 }, { 0: 450, 1: 450, 2: 450 }, 2);
    await client.execute(
      `UPDATE ${keyspace}.view_counts SET batch_version = 2, cutoff = ?, speed = ?, speed_invalid = 2 WHERE "view" = 'serving' AND version = 0`,
      [{ 0: 300, 1: 300, 2: 300 }, { twix: 9 }],
    );
    // Speed buckets (history before the cut-off): the extension never reads them, serving's breakdown says it all.
    for (const partition of [0, 1, 2]) {
      await client.execute(`INSERT INTO ${keyspace}.speed_buckets (kafka_partition, bucket, item, count) VALUES (?, 2, 'twix', 1000)`, [partition]);
    }
    await writeView('kappa', 3, counts(99), { 0: 420, 1: 420, 2: 420 });
    await client.execute(`INSERT INTO ${keyspace}.view_pointer ("view", version) VALUES ('kappa', 3)`);
  });

  after(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.close();
  });

  it('reports a 5.0 release and lists the lab keyspace and its tables with their keys', async () => {
    assert.match(await client.releaseVersion(), /^5\.0\./);
    assert.ok((await client.keyspaces()).includes(keyspace));
    assert.ok(!(await client.keyspaces()).includes('system_schema'), 'system keyspaces hidden by default');
    const tables = await client.tables(keyspace);
    assert.deepEqual(
      tables.map((t) => t.name),
      ['job_requests', 'job_status', 'speed_buckets', 'truth', 'view_counts', 'view_pointer'],
    );
    const viewCounts = tables.find((t) => t.name === 'view_counts')!;
    assert.deepEqual(viewCounts.partitionKeys, ['view', 'version']);
    assert.deepEqual(viewCounts.clusteringKeys, ['item']);
  });

  it('reads each view: validation, kappa, and lambda as serving published it (its batch version, cut-off and speed since the cut-off)', async () => {
    const views = await reader.readAll();
    assert.deepEqual(views.validation?.counts, counts(100));
    assert.equal(views.validation?.invalid, 7);
    assert.deepEqual(views.validation?.offsets, { 0: 400, 1: 410, 2: 420 });
    assert.equal(views.batch?.version, 2, 'the version serving adds to, not the newest row');
    assert.deepEqual(views.batch?.counts, counts(50));
    assert.deepEqual(views.batch?.cutoff, { 0: 300, 1: 300, 2: 300 });
    assert.deepEqual(views.kappa?.counts, counts(99));
    assert.deepEqual(views.speed?.counts, { twix: 9 }, "serving's own figure, not the speed buckets");
    assert.equal(views.speed?.invalid, 2);
    assert.deepEqual(views.serving?.offsets, { 0: 450, 1: 450, 2: 450 });
    assert.deepEqual(views.serving?.counts, { ...counts(50), twix: counts(50).twix + 9 }, 'batch + speed = serving');
    assert.equal(views.truth, undefined, 'no truth written: absent, not zero');
  });

  it('reads the same number of rows however much history the speed layer holds', async () => {
    await reader.readAll();
    const before = reader.stats.rowsRead;
    for (let bucket = 0; bucket < 2; bucket += 1) {
      for (const item of SNACKS)
        await client.execute(`INSERT INTO ${keyspace}.speed_buckets (kafka_partition, bucket, item, count) VALUES (0, ?, ?, 5)`, [bucket, item]);
    }
    await reader.readAll();
    assert.equal(reader.stats.rowsRead, before);
  });

  it('returns values as plain data (bigint counts beyond 2^53 stay exact) and cuts results at maxRows', async () => {
    await client.execute(`INSERT INTO ${keyspace}.view_counts ("view", version, item, count) VALUES ('big', 0, 'twix', 9007199254740993)`);
    const big = await client.execute(`SELECT count FROM ${keyspace}.view_counts WHERE "view" = 'big' AND version = 0`);
    assert.equal(big.rows[0].count, 9007199254740993n);
    const cut = await client.execute(`SELECT * FROM ${keyspace}.view_counts WHERE "view" = 'validation' AND version = 0`, [], { maxRows: 3 });
    assert.equal(cut.rows.length, 3);
    assert.equal(cut.truncated, true);
  });

  it('bad CQL gives a readable error, not a crash', async () => {
    const syntax = await client.execute('SELEC * FROM nowhere').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(syntax instanceof CassandraClientError);
    assert.equal(syntax.kind, 'syntax');
    assert.match(syntax.message, /^CQL syntax error: /);
    const invalid = await client.execute(`SELECT * FROM ${keyspace}.no_such_table`).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(invalid instanceof CassandraClientError);
    assert.equal(invalid.kind, 'invalid');
    assert.match(invalid.message, /no_such_table/);
  });

  it('Cassandra down gives an "unreachable" error that says what to do; it works again once the node is back', async () => {
    const control = [...((cassandra.extra?.control as string[] | undefined) ?? [])];
    assert.ok(control.length > 0, 'the test bed exposes a control command for the node');
    const offline = new DriverCassandraClient({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1', queryTimeoutMs: 2000 });
    const error = await offline.execute('SELECT now() FROM system.local').then(
      () => undefined,
      (e: unknown) => e,
    );
    await offline.close();
    assert.ok(error instanceof CassandraClientError);
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /Cassandra is not reachable at 127\.0\.0\.1:1.*Is the stack running\?/);
    execFileSync(control[0], [...control.slice(1), 'node-stop'], { stdio: 'ignore', env: process.env });
    try {
      const down = await client.execute('SELECT release_version FROM system.local').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(down instanceof CassandraClientError, `expected an error while the node is down, got ${String(down)}`);
      assert.ok(['unreachable', 'timeout'].includes(down.kind), down.kind);
    } finally {
      execFileSync(control[0], [...control.slice(1), 'node-start'], { stdio: 'ignore', env: process.env });
    }
    const deadline = Date.now() + 60_000;
    let version: string | undefined;
    while (!version && Date.now() < deadline) {
      version = await client.releaseVersion().catch(() => undefined);
      // Failures settle as microtasks: pause so the driver's reconnection timer can run.
      if (!version) await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(version ?? '', /^5\.0\./);
  });
});
