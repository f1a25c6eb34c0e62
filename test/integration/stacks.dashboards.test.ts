// The Grafana dashboards' queries against the real Cassandra 5 of the test bed, with the real schema
// (lab-stacks/jobs/schema.cql) in a throw-away keyspace: every variable and panel query runs as Grafana's Cassandra
// datasource would send it (variables interpolated, `${v:csv}`), returns the expected rows, and the dashboard's
// merge + "binary operation" transformations find the fields they name. Grafana itself cannot run here; the
// plugin's behaviour is reproduced from its source: rows are grouped into frames by the first selected column,
// non-scalar columns (maps) are dropped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, types } from 'cassandra-driver';
import { requireService } from '../support/testbed';
import { STACK_NAMES, type StackName } from '../../src/core/stacks';
import { interpolateVariables, loadDashboard, repoRoot, variableQuery, type Dashboard, type DashboardPanel } from '../stacks/model';

const SNACKS = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'];
type Row = Record<string, unknown>;

/** Value of a cell as Grafana gets it (bigint/int as numbers, timestamps as dates, text as text). */
function scalar(value: unknown): unknown {
  if (value instanceof types.Long) return value.toNumber();
  if (value instanceof types.Integer) return value.toNumber();
  return value;
}

describe('Grafana dashboards on real Cassandra with the real schema', function () {
  this.timeout(180_000);
  const info = requireService('cassandra');
  const keyspace = `archlab_dash_${process.pid}_${Date.now().toString(36)}`;
  const client = new Client({ contactPoints: [info.contactPoint], localDataCenter: info.localDataCenter, socketOptions: { readTimeout: 60_000 } });
  /** Dashboard CQL names the `archlab` keyspace; this test runs the same statements in its own keyspace. */
  const inTestKeyspace = (cql: string) => cql.replace(/\barchlab\./g, `${keyspace}.`);
  const run = async (cql: string): Promise<{ columns: string[]; rows: Row[] }> => {
    const rs = await client.execute(inTestKeyspace(cql), [], { prepare: false });
    const columns = (rs.columns ?? []).map((c) => c.name);
    return { columns, rows: rs.rows.map((r) => Object.fromEntries(columns.map((c) => [c, scalar(r.get(c))]))) };
  };

  before(async () => {
    await client.connect();
    const schema = fs
      .readFileSync(path.join(repoRoot, 'lab-stacks', 'jobs', 'schema.cql'), 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('--'))
      .join('\n')
      .replace(/\bKEYSPACE IF NOT EXISTS archlab\b/, `KEYSPACE IF NOT EXISTS ${keyspace}`);
    for (const statement of schema
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await client.execute(inTestKeyspace(statement));
  });

  after(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.shutdown();
  });

  const counts = (base: number, delta: Record<string, number> = {}) => Object.fromEntries(SNACKS.map((s, i) => [s, base + i * 10 + (delta[s] ?? 0)]));
  const truth = counts(100);
  const validation = counts(100, { twix: -1 });
  const batchOld = counts(40);
  const batchServed = counts(80);
  const kappaServed = counts(100, { mars: -2 });
  const kappaReplay = counts(30);

  async function writeView(view: string, version: number, values: Record<string, number>, offsets: Record<number, number>) {
    for (const [item, count] of Object.entries(values)) {
      await client.execute(
        `INSERT INTO ${keyspace}.view_counts ("view", version, item, count, offsets, invalid, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          view,
          version,
          item,
          types.Long.fromNumber(count),
          Object.fromEntries(Object.entries(offsets).map(([p, o]) => [Number(p), types.Long.fromNumber(o)])),
          types.Long.fromNumber(3),
          new Date(),
        ],
        { prepare: true },
      );
    }
  }

  async function writeJob(job: string, state: string, version: number) {
    await client.execute(
      `INSERT INTO ${keyspace}.job_status (job, state, version, offsets, cutoff, rows_written, invalid, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [job, state, version, { 0: types.Long.fromNumber(10) }, {}, types.Long.fromNumber(42), types.Long.fromNumber(0), `${job} ok`, new Date()],
      { prepare: true },
    );
  }

  /** Variables as Grafana resolves them: the first column of the variable query, as text. */
  async function resolveVariables(dashboard: Dashboard): Promise<Record<string, string[]>> {
    const values: Record<string, string[]> = {};
    for (const v of dashboard.templating.list) {
      const { columns, rows } = await run(interpolateVariables(variableQuery(v), values));
      values[v.name] = rows
        .map((r) => r[columns[0]])
        .filter((x) => x !== null)
        .map((x) => {
          assert.equal(typeof x, 'string', `variable ${v.name} returns text (the plugin accepts strings only)`);
          return x as string;
        });
    }
    return values;
  }

  /** A panel's queries, frames grouped by the first column, then Grafana's merge: one row per value of the shared field. */
  async function panelTable(
    panel: DashboardPanel,
    variables: Record<string, string[]>,
  ): Promise<{ perTarget: { columns: string[]; rows: Row[] }[]; merged: Row[] }> {
    const perTarget = [];
    for (const t of panel.targets ?? []) perTarget.push(await run(interpolateVariables(t.target, variables)));
    const key = perTarget.find((t) => t.columns.length)?.columns[0];
    const merged = new Map<unknown, Row>();
    for (const t of perTarget) {
      if (t.columns.length) assert.equal(t.columns[0], key, `${panel.title}: every query groups by ${key}`);
      for (const row of t.rows) {
        const scalarRow = Object.fromEntries(
          Object.entries(row).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date),
        );
        merged.set(row[key as string], { ...(merged.get(row[key as string]) ?? {}), ...scalarRow });
      }
    }
    // The dashboard's calculateField (binary) transformations, on the merged rows.
    for (const tr of panel.transformations ?? []) {
      if (tr.id !== 'calculateField') continue;
      const { binary, alias } = tr.options as { binary: { left: string; operator: string; right: string }; alias: string };
      assert.equal(binary.operator, '-');
      for (const row of merged.values()) {
        if (row[binary.left] === undefined || row[binary.right] === undefined) continue;
        row[alias] = (row[binary.left] as number) - (row[binary.right] as number);
      }
    }
    return { perTarget, merged: [...merged.values()] };
  }

  const panelNamed = (d: Dashboard, title: RegExp) => {
    const p = d.panels.find((x) => title.test(x.title));
    assert.ok(p, `panel ${title}`);
    return p;
  };
  const column = (rows: Row[], name: string) => Object.fromEntries(rows.map((r) => [r.item, r[name]]));

  describe('before any batch or kappa version is published (views truth and validation only)', () => {
    before(async () => {
      await writeView('truth', 0, truth, { 0: 500, 1: 400, 2: 380 });
      await writeView('validation', 0, validation, { 0: 500, 1: 400, 2: 379 });
    });

    for (const stack of STACK_NAMES) {
      it(`${stack}: every query runs (versions empty, \`version IN ()\` reads nothing) and the counts show truth and validation`, async () => {
        const dashboard = loadDashboard(stack);
        const variables = await resolveVariables(dashboard);
        for (const values of Object.values(variables)) assert.deepEqual(values, []);
        for (const panel of dashboard.panels) await panelTable(panel, variables);
        const { merged } = await panelTable(panelNamed(dashboard, /^Counts per snack:/), variables);
        assert.deepEqual(column(merged, 'truth'), truth);
        assert.deepEqual(column(merged, 'validation'), validation);
        assert.deepEqual(column(merged, 'validation − truth'), Object.fromEntries(SNACKS.map((s) => [s, s === 'twix' ? -1 : 0])));
      });
    }
  });

  describe('with batch, serving and kappa versions published and a replay running', () => {
    before(async () => {
      await writeView('batch', 1, batchOld, { 0: 200, 1: 100, 2: 100 });
      await writeView('batch', 2, batchServed, { 0: 300, 1: 300, 2: 200 });
      await client.execute(
        `INSERT INTO ${keyspace}.view_pointer ("view", version, cutoff, bucket_size, published_at) VALUES ('batch', 2, {0: 300, 1: 300, 2: 200}, 100, toTimestamp(now()))`,
      );
      await writeView('serving', 0, truth, { 0: 500, 1: 400, 2: 380 });
      await writeView('kappa', 1, kappaServed, { 0: 500, 1: 400, 2: 378 });
      await writeView('kappa', 2, kappaReplay, { 0: 100, 1: 50, 2: 20 });
      await client.execute(`INSERT INTO ${keyspace}.view_pointer ("view", version, published_at) VALUES ('kappa', 1, toTimestamp(now()))`);
      for (const [job, version] of [
        ['speed_layer', 0],
        ['hdfs_ingest', 0],
        ['batch_layer', 2],
        ['validation', 0],
        ['kappa', 1],
        ['kappa_replay', 2],
      ] as const) {
        await writeJob(job, 'running', version);
      }
      await writeJob('some_other_job', 'running', 9);
    });

    it('lambda: variables resolve the served batch version', async () => {
      assert.deepEqual(await resolveVariables(loadDashboard('lambda')), { batch_version: ['2'] });
    });

    it('lambda: counts per snack are truth, validation, the pointed batch version, real-time = serving − batch, serving, and the differences', async () => {
      const d = loadDashboard('lambda');
      const vars = await resolveVariables(d);
      const { merged } = await panelTable(panelNamed(d, /^Counts per snack:/), vars);
      assert.equal(merged.length, SNACKS.length);
      assert.deepEqual(column(merged, 'truth'), truth);
      assert.deepEqual(column(merged, 'validation'), validation);
      assert.deepEqual(column(merged, 'batch'), batchServed, 'the pointed version 2, not version 1');
      assert.deepEqual(column(merged, 'serving'), truth);
      assert.deepEqual(column(merged, 'real-time'), Object.fromEntries(SNACKS.map((s) => [s, truth[s] - batchServed[s]])));
      assert.deepEqual(column(merged, 'serving − truth'), Object.fromEntries(SNACKS.map((s) => [s, 0])));
      const bars = await panelTable(panelNamed(d, /^Counts per snack$/), vars);
      assert.deepEqual(column(bars.merged, 'batch'), batchServed);
      const totals = await panelTable(panelNamed(d, /^Events counted/), vars);
      const sum = (col: string) => totals.merged.reduce((n, r) => n + (r[col] as number), 0);
      assert.equal(
        sum('truth'),
        Object.values(truth).reduce((a, b) => a + b, 0),
      );
      const diff = await panelTable(panelNamed(d, /^Serving − truth/), vars);
      assert.deepEqual(
        diff.merged.map((r) => r['serving − truth']),
        SNACKS.map(() => 0),
      );
    });

    it('lambda: jobs, the served batch version and the freshness of each view', async () => {
      const d = loadDashboard('lambda');
      const vars = await resolveVariables(d);
      const jobs = await panelTable(panelNamed(d, /^Jobs$/), vars);
      assert.deepEqual(jobs.merged.map((r) => r.job).sort(), ['batch_layer', 'hdfs_ingest', 'speed_layer', 'validation']);
      assert.deepEqual(jobs.perTarget[0].columns, ['job', 'state', 'version', 'rows_written', 'invalid', 'detail', 'updated_at']);
      assert.equal(jobs.merged.find((r) => r.job === 'batch_layer')?.version, 2);
      const pointer = await panelTable(panelNamed(d, /^Served batch version$/), vars);
      assert.deepEqual(
        pointer.merged.map((r) => [r.view, r.version, r.bucket_size]),
        [['batch', 2, 100]],
      );
      const fresh = await panelTable(panelNamed(d, /^Last update per view$/), vars);
      assert.deepEqual(fresh.merged.map((r) => [r.view, r.version, r.invalid]).sort(), [
        ['batch', 2, 3],
        ['serving', 0, 3],
        ['truth', 0, 3],
        ['validation', 0, 3],
      ]);
      for (const r of fresh.merged) assert.ok(r.updated_at instanceof Date);
    });

    it('kappa: counts per snack are truth, validation, the served kappa version, the replay version, and the differences', async () => {
      const d = loadDashboard('kappa');
      const vars = await resolveVariables(d);
      assert.deepEqual(vars, { kappa_version: ['1'], replay_version: ['2'] });
      const { merged } = await panelTable(panelNamed(d, /^Counts per snack:/), vars);
      assert.deepEqual(column(merged, 'truth'), truth);
      assert.deepEqual(column(merged, 'validation'), validation);
      assert.deepEqual(column(merged, 'kappa'), kappaServed, 'the pointed version 1');
      assert.deepEqual(column(merged, 'replay'), kappaReplay, 'the replay version 2');
      assert.deepEqual(column(merged, 'kappa − truth'), Object.fromEntries(SNACKS.map((s) => [s, s === 'mars' ? -2 : 0])));
      const diff = await panelTable(panelNamed(d, /^Kappa − truth/), vars);
      assert.equal(
        diff.merged.reduce((n, r) => n + (r['kappa − truth'] as number), 0),
        -2,
      );
    });

    it('kappa: jobs, the served kappa version and the freshness of each view', async () => {
      const d = loadDashboard('kappa');
      const vars = await resolveVariables(d);
      const jobs = await panelTable(panelNamed(d, /^Jobs$/), vars);
      assert.deepEqual(jobs.merged.map((r) => r.job).sort(), ['kappa', 'kappa_replay', 'validation']);
      const pointer = await panelTable(panelNamed(d, /^Served kappa version$/), vars);
      assert.deepEqual(
        pointer.merged.map((r) => [r.view, r.version]),
        [['kappa', 1]],
      );
      const fresh = await panelTable(panelNamed(d, /^Last update per view$/), vars);
      assert.deepEqual(fresh.merged.map((r) => [r.view, r.version]).sort(), [
        ['kappa', 1],
        ['truth', 0],
        ['validation', 0],
      ]);
    });

    it("every query of both dashboards reads one partition: Cassandra's own trace shows no range scan", async () => {
      for (const stack of STACK_NAMES as StackName[]) {
        const d = loadDashboard(stack);
        const vars = await resolveVariables(d);
        const statements = [...d.templating.list.map(variableQuery), ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.target))];
        for (const cql of statements) {
          const rs = await client.execute(inTestKeyspace(interpolateVariables(cql, vars)), [], { prepare: false, traceQuery: true });
          const trace = await client.metadata.getTrace(rs.info.traceId);
          const activities = trace.events.map((e: { activity: string }) => e.activity).join('\n');
          assert.doesNotMatch(activities, /Computing ranges|range requests|seq scan/i, `${stack}: ${cql}\n${activities}`);
          if (rs.rowLength > 0) assert.match(activities, /Executing single-partition query on (view_counts|view_pointer|job_status)/, `${stack}: ${cql}`);
        }
      }
    });
  });
});
