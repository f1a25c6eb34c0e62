import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CassandraConnections, ClusterRef } from '../services/connections';
import { showCqlResult } from '../panels/cqlResultPanel';
import type { CassandraNode } from '../views/cassandra/cassandraTree';

async function pickCluster(source: CassandraConnections): Promise<ClusterRef | undefined> {
  const clusters = await source.clusters();
  if (clusters.length === 0)
    throw new UserFacingError('No Cassandra cluster is connected: start a lab stack, or set archlab.cassandra.contactPoints.', {
      actions: [{ title: 'Configure Connection', command: 'archlab.configureConnections' }],
    });
  if (clusters.length === 1) return clusters[0];
  return (
    await vscode.window.showQuickPick(
      clusters.map((c) => ({ label: c.label, description: c.servers.join(', '), cluster: c })),
      { title: 'Run on which Cassandra?' },
    )
  )?.cluster;
}

export function cassandraCommands(source: CassandraConnections, log: Logger): Record<string, (node?: unknown) => Promise<void>> {
  return {
    'archlab.cassandra.openRows': async (node) => {
      const tableNode = node as Extract<CassandraNode, { kind: 'table' }> | undefined;
      if (tableNode?.kind !== 'table') throw new UserFacingError('Pick a table in the Cassandra view to open its rows.');
      const { table, cluster } = tableNode;
      const statement = `SELECT * FROM "${table.keyspace}"."${table.name}" LIMIT 200`;
      showCqlResult(`${table.keyspace}.${table.name}`, statement, await source.client(cluster).execute(statement, [], { maxRows: 200 }));
    },
    'archlab.cassandra.runCql': async () => {
      const editor = vscode.window.activeTextEditor;
      const statement = (editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : (editor?.document.getText() ?? ''))
        .trim()
        .replace(/;\s*$/, '');
      if (!statement) throw new UserFacingError('Select a CQL statement in the editor first (or open a .cql file with one statement).');
      const cluster = await pickCluster(source);
      if (!cluster) return;
      log.info(`CQL on ${cluster.servers.join(',')}: ${statement.slice(0, 200)}`);
      const result = await source.client(cluster).execute(statement, [], { maxRows: 1000 });
      showCqlResult(`CQL: ${statement.slice(0, 40)}`, statement, result);
    },
  };
}
