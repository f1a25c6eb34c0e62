// The Cassandra view's tree against the test bed's real Cassandra 5 with the real lab schema, in real VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DriverCassandraClient } from '../../src/clients/cassandra/driverClient';
import type { ArchlabApi } from '../../src/extension';
import type { CassandraNode } from '../../src/views/cassandra/cassandraTree';
import { applySchema } from '../support/labSchema';
import { requireService } from '../support/testbed';

describe('Cassandra view against a real Cassandra (lab schema)', function () {
  this.timeout(120_000);
  const cassandra = requireService('cassandra');
  const client = new DriverCassandraClient({ contactPoints: [cassandra.contactPoint], localDataCenter: cassandra.localDataCenter });
  const config = () => vscode.workspace.getConfiguration('archlab');
  let api: ArchlabApi;
  const children = (node?: CassandraNode) => Promise.resolve(api.cassandraTree().getChildren(node)) as Promise<CassandraNode[]>;
  const label = (node: CassandraNode) => String(api.cassandraTree().getTreeItem(node).label);
  const description = (node: CassandraNode) => String(api.cassandraTree().getTreeItem(node).description ?? '');

  before(async () => {
    api = await vscode.extensions.getExtension<ArchlabApi>('archlab.archlab')!.activate();
    await applySchema(client);
    // The lab views this test writes, and nothing else (an earlier suite may have stored a truth of the lab topic).
    for (const table of ['view_counts', 'view_pointer', 'truth']) await client.execute(`TRUNCATE archlab.${table}`);
    for (const [item, count] of [
      ['twix', 12],
      ['apple', 5],
    ] as const) {
      await client.execute('INSERT INTO archlab.view_counts ("view", version, item, count) VALUES (\'validation\', 0, ?, ?)', [item, count]);
      await client.execute('INSERT INTO archlab.view_counts ("view", version, item, count) VALUES (\'kappa\', 4, ?, ?)', [item, count - 1]);
    }
    await client.execute('UPDATE archlab.view_counts SET invalid = 3 WHERE "view" = \'validation\' AND version = 0');
    await client.execute('INSERT INTO archlab.view_pointer ("view", version) VALUES (\'kappa\', 4)');
    await config().update('cassandra.contactPoints', [cassandra.contactPoint], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await config().update('cassandra.contactPoints', undefined, vscode.ConfigurationTarget.Global);
    for (const table of ['view_counts', 'view_pointer']) await client.execute(`TRUNCATE archlab.${table}`).catch(() => undefined);
    await client.close();
  });

  it('shows the lab views first, each with its per-snack rows', async () => {
    const [cluster] = await children();
    assert.equal(cluster.kind, 'cluster');
    const top = await children(cluster);
    assert.equal(top[0].kind, 'labViews', 'lab views come first');
    assert.ok(top.some((n) => n.kind === 'keyspace' && n.keyspace === 'archlab'));
    const views = await children(top[0]);
    assert.deepEqual(views.map(label), ['validation', 'kappa']);
    assert.equal(description(views[0]), '17 items · 3 invalid');
    assert.equal(description(views[1]), '15 items · v4');
    const rows = await children(views[0]);
    assert.deepEqual(
      rows.map((r) => `${label(r)}=${description(r)}`),
      ['apple=5', 'twix=12'],
    );
  });

  it("lists a keyspace's tables with their keys", async () => {
    const [cluster] = await children();
    const keyspace = (await children(cluster)).find((n) => n.kind === 'keyspace' && n.keyspace === 'archlab')!;
    const tables = await children(keyspace);
    assert.deepEqual(tables.map(label), ['job_requests', 'job_status', 'speed_buckets', 'truth', 'view_counts', 'view_pointer']);
    assert.equal(description(tables.find((t) => label(t) === 'view_counts')!), '(view, version), item');
  });

  it("opens a table's rows and runs CQL without throwing; a wrong contact point gives an error item", async () => {
    const [cluster] = await children();
    const keyspace = (await children(cluster)).find((n) => n.kind === 'keyspace' && n.keyspace === 'archlab')!;
    const table = (await children(keyspace)).find((t) => label(t) === 'view_counts')!;
    await vscode.commands.executeCommand('archlab.cassandra.openRows', table);
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELEC broken' });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('archlab.cassandra.runCql');
    await config().update('cassandra.contactPoints', ['127.0.0.1:1'], vscode.ConfigurationTarget.Global);
    const [offline] = await children();
    const [error] = await children(offline);
    assert.equal(error.kind, 'message');
    assert.match(description(error), /Cassandra is not reachable at 127\.0\.0\.1:1/);
    await config().update('cassandra.contactPoints', [cassandra.contactPoint], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
