import * as vscode from 'vscode';
import type { TableInfo } from '../../clients/cassandra/types';
import { shortMessage } from '../../core/errors';
import { formatCount } from '../../core/format';
import { LAB_KEYSPACE } from '../../core/snacks';
import type { CassandraConnections, ClusterRef } from '../../services/connections';
import { LabViewsReader, type LabView, type ViewReading } from '../../services/labViews';

export type CassandraNode =
  | { kind: 'cluster'; cluster: ClusterRef }
  | { kind: 'labViews'; cluster: ClusterRef }
  | { kind: 'labView'; cluster: ClusterRef; reading: ViewReading }
  | { kind: 'snackCount'; cluster: ClusterRef; view: LabView; snack: string; count: number }
  | { kind: 'keyspace'; cluster: ClusterRef; keyspace: string }
  | { kind: 'table'; cluster: ClusterRef; table: TableInfo }
  | { kind: 'message'; cluster: ClusterRef; message: string; error: boolean };

const VIEW_ORDER: LabView[] = ['validation', 'batch', 'speed', 'serving', 'kappa', 'truth'];
const VIEW_TITLES: Record<LabView, string> = {
  truth: 'truth (generator)',
  validation: 'validation',
  batch: 'lambda batch',
  speed: 'lambda speed (since cut-off)',
  serving: 'lambda serving',
  kappa: 'kappa',
};

export class CassandraTreeProvider implements vscode.TreeDataProvider<CassandraNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CassandraNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly source: CassandraConnections) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: CassandraNode): Promise<CassandraNode[]> {
    if (!node) return (await this.source.clusters()).map((cluster) => ({ kind: 'cluster', cluster }));
    const { cluster } = node;
    try {
      const client = this.source.client(cluster);
      switch (node.kind) {
        case 'cluster': {
          const keyspaces = await client.keyspaces();
          return [
            ...(keyspaces.includes(LAB_KEYSPACE) ? [{ kind: 'labViews', cluster } as CassandraNode] : []),
            ...keyspaces.map((keyspace): CassandraNode => ({ kind: 'keyspace', cluster, keyspace })),
          ];
        }
        case 'labViews': {
          const readings = await new LabViewsReader(client).readAll();
          const shown = VIEW_ORDER.map((v) => readings[v]).filter((r): r is ViewReading => r !== undefined);
          return shown.length > 0
            ? shown.map((reading) => ({ kind: 'labView', cluster, reading }))
            : [{ kind: 'message', cluster, message: 'No view has data yet: start the generator and the jobs.', error: false }];
        }
        case 'labView':
          return Object.entries(node.reading.counts)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([snack, count]) => ({ kind: 'snackCount', cluster, view: node.reading.view, snack, count }));
        case 'keyspace':
          return (await client.tables(node.keyspace)).map((table) => ({ kind: 'table', cluster, table }));
        default:
          return [];
      }
    } catch (error) {
      return [{ kind: 'message', cluster, message: shortMessage(error), error: true }];
    }
  }

  getTreeItem(node: CassandraNode): vscode.TreeItem {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'cluster':
        return Object.assign(new vscode.TreeItem(node.cluster.label, Expanded), {
          id: `cassandra:${node.cluster.id}`,
          description: node.cluster.servers.join(', '),
          iconPath: new vscode.ThemeIcon('database'),
          contextValue: 'cassandraCluster',
        });
      case 'labViews':
        return Object.assign(new vscode.TreeItem('Lab views', Expanded), {
          id: `labViews:${node.cluster.id}`,
          iconPath: new vscode.ThemeIcon('graph'),
          contextValue: 'labViews',
          tooltip: 'The per-snack counts of each pipeline, read from archlab.view_counts (small tables only).',
        });
      case 'labView': {
        const { reading } = node;
        const total = Object.values(reading.counts).reduce((a, b) => a + b, 0);
        const details = [
          `${formatCount(total)} items`,
          reading.version !== undefined && reading.view !== 'validation' && reading.view !== 'serving' && reading.view !== 'truth'
            ? `v${reading.version}`
            : undefined,
          reading.invalid ? `${formatCount(reading.invalid)} invalid` : undefined,
        ].filter(Boolean);
        const item = new vscode.TreeItem(VIEW_TITLES[reading.view], Collapsed);
        item.id = `labView:${node.cluster.id}/${reading.view}`;
        item.description = details.join(' · ');
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        item.contextValue = 'labView';
        const offsets = Object.entries(reading.offsets)
          .map(([p, o]) => `p${p}: ${o}`)
          .join(', ');
        item.tooltip = new vscode.MarkdownString(
          `**${VIEW_TITLES[reading.view]}**\n\n${formatCount(total)} items${reading.invalid ? `, ${reading.invalid} invalid messages skipped` : ''}${offsets ? `\n\nReflects offsets ${offsets}` : ''}${
            reading.cutoff
              ? `\n\nCut-off ${Object.entries(reading.cutoff)
                  .map(([p, o]) => `p${p}: ${o}`)
                  .join(', ')}`
              : ''
          }${reading.updatedAt ? `\n\nUpdated ${reading.updatedAt}` : ''}`,
        );
        return item;
      }
      case 'snackCount':
        return Object.assign(new vscode.TreeItem(node.snack, None), {
          id: `snack:${node.cluster.id}/${node.view}/${node.snack}`,
          description: formatCount(node.count),
          contextValue: 'snackCount',
        });
      case 'keyspace':
        return Object.assign(new vscode.TreeItem(node.keyspace, Collapsed), {
          id: `keyspace:${node.cluster.id}/${node.keyspace}`,
          iconPath: new vscode.ThemeIcon('symbol-namespace'),
          contextValue: 'cassandraKeyspace',
        });
      case 'table': {
        const { table } = node;
        const item = new vscode.TreeItem(table.name, None);
        item.id = `table:${node.cluster.id}/${table.keyspace}.${table.name}`;
        item.description = `(${table.partitionKeys.join(', ')})${table.clusteringKeys.length ? `, ${table.clusteringKeys.join(', ')}` : ''}`;
        item.tooltip = new vscode.MarkdownString(
          `**${table.keyspace}.${table.name}**\n\n${table.columns.map((c) => `- \`${c.name}\` ${c.type}${table.partitionKeys.includes(c.name) ? ' (partition key)' : table.clusteringKeys.includes(c.name) ? ' (clustering)' : ''}`).join('\n')}`,
        );
        item.iconPath = new vscode.ThemeIcon('table');
        item.contextValue = 'cassandraTable';
        item.command = { command: 'archlab.cassandra.openRows', title: 'Open Rows', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.error ? 'Cannot read Cassandra' : node.message, None);
        if (node.error) {
          item.description = node.message;
          item.tooltip = `${node.message}\n\nClick to retry.`;
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
          item.command = { command: 'archlab.cassandra.refresh', title: 'Retry' };
        } else item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = node.error ? 'cassandraError' : 'cassandraMessage';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
