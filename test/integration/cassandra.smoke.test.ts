// Smoke test of the test bed's real Apache Cassandra 5.0 node (test/services/cassandra.mjs): schema, exact
// round trip of rows, system_schema, the release version, and a stop + start of the SAME node (data kept).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client, types } from 'cassandra-driver';
import { readTestbed, requireService } from '../support/testbed';

const exec = promisify(execFile);
const control = path.resolve(__dirname, '..', '..', '..', 'test', 'services', 'cassandra.mjs');

describe('test bed: Cassandra node (real, 5.0)', function () {
  this.timeout(240_000);
  const info = requireService('cassandra');
  const keyspace = `smoke_${Date.now()}_${process.pid}`;
  const newClient = () =>
    new Client({
      contactPoints: [info.contactPoint],
      localDataCenter: info.localDataCenter,
      socketOptions: { connectTimeout: 5000, readTimeout: 20_000 },
    });
  let client: Client;

  before(async () => {
    client = newClient();
    await client.connect();
  });
  after(async () => {
    await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client?.shutdown();
  });

  it('answers system.local with a 5.0 release in data center datacenter1', async () => {
    const row = (await client.execute('SELECT release_version, data_center, cluster_name FROM system.local')).first();
    assert.match(row.get('release_version'), /^5\.0\./);
    assert.equal(row.get('release_version'), info.version);
    assert.equal(row.get('data_center'), 'datacenter1');
    assert.equal(row.get('cluster_name'), 'archlab-testbed');
  });

  it('creates a keyspace and a table, and lists the table in system_schema.tables', async () => {
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await client.execute(`CREATE TABLE ${keyspace}.snack_counts (item text, minute timestamp, count bigint, PRIMARY KEY (item, minute))`);
    const tables = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], { prepare: true });
    assert.deepEqual(
      tables.rows.map((r) => r.get('table_name')),
      ['snack_counts'],
    );
    const ks = (await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], { prepare: true })).first();
    assert.equal(ks.get('replication').class, 'org.apache.cassandra.locator.SimpleStrategy');
    assert.equal(ks.get('replication').replication_factor, '1');
  });

  it('reads back exactly the rows it wrote', async () => {
    const items = ['Crisps', 'Chocolate bar', 'Gummy bears', 'Pretzels'];
    const base = Date.UTC(2025, 0, 1, 12, 0, 0);
    const written = items.flatMap((item, i) =>
      Array.from({ length: 5 }, (_, m) => ({
        item,
        minute: new Date(base + m * 60_000),
        count: types.Long.fromNumber(i * 1000 + m * 7 + 1),
      })),
    );
    const insert = `INSERT INTO ${keyspace}.snack_counts (item, minute, count) VALUES (?, ?, ?)`;
    for (const row of written) await client.execute(insert, [row.item, row.minute, row.count], { prepare: true, consistency: types.consistencies.localQuorum });

    const read = (await client.execute(`SELECT item, minute, count FROM ${keyspace}.snack_counts`, [], { consistency: types.consistencies.localQuorum })).rows
      .map((r) => `${r.get('item')}|${(r.get('minute') as Date).toISOString()}|${r.get('count').toString()}`)
      .sort();
    const expected = written.map((r) => `${r.item}|${r.minute.toISOString()}|${r.count.toString()}`).sort();
    assert.deepEqual(read, expected);

    const one = (
      await client.execute(`SELECT count FROM ${keyspace}.snack_counts WHERE item = ? AND minute = ?`, ['Pretzels', new Date(base + 4 * 60_000)], {
        prepare: true,
      })
    ).first();
    assert.equal(one.get('count').toNumber(), 3 * 1000 + 4 * 7 + 1);
  });

  it('stops and starts the same node again, keeping its data', async () => {
    await client.shutdown();
    await exec(process.execPath, [control, 'node-stop'], { timeout: 90_000 });
    const down = readTestbed().cassandra!;
    assert.deepEqual(down.pids, []);
    const probe = newClient();
    await assert.rejects(probe.connect(), 'no CQL answer while the node is down');
    await probe.shutdown().catch(() => undefined);

    await exec(process.execPath, [control, 'node-start'], { timeout: 200_000 });
    const up = readTestbed().cassandra!;
    assert.equal(up.pids.length, 1);
    assert.notDeepEqual(up.pids, info.pids);
    assert.equal(up.contactPoint, info.contactPoint);

    client = newClient();
    await client.connect();
    const count = (await client.execute(`SELECT count(*) AS n FROM ${keyspace}.snack_counts`)).first().get('n');
    assert.equal(count.toNumber(), 20);
  });
});
