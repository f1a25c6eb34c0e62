import * as vscode from 'vscode';
import type { ConsumerGroupSummary, KafkaAdminClient, PartitionInfo, PartitionLag, TopicSummary } from '../../clients/kafka/types';
import { shortMessage } from '../../core/errors';
import { formatCount, formatRate } from '../../core/format';
import type { ClusterRef } from '../../services/connections';
import { RateTracker } from './rateTracker';

export type TopicsNode =
  | { kind: 'cluster'; cluster: ClusterRef }
  | { kind: 'topic'; cluster: ClusterRef; topic: TopicSummary }
  | { kind: 'partition'; cluster: ClusterRef; topic: string; partition: PartitionInfo }
  | { kind: 'groups'; cluster: ClusterRef }
  | { kind: 'group'; cluster: ClusterRef; group: ConsumerGroupSummary }
  | { kind: 'lag'; cluster: ClusterRef; groupId: string; lag: PartitionLag }
  | { kind: 'error'; cluster: ClusterRef; message: string };

export interface TopicsSource {
  clusters(): Promise<ClusterRef[]>;
  admin(cluster: ClusterRef): KafkaAdminClient;
}

/** Lazy tree: each level asks the broker when expanded; failures become an item, never an exception. */
export class TopicsTreeProvider implements vscode.TreeDataProvider<TopicsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TopicsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rates = new RateTracker();
  private readonly topicRates = new Map<string, number | undefined>();
  private readonly listed = new Map<string, { cluster: ClusterRef; topics: TopicSummary[]; offline?: string }>();
  showInternal = false;

  constructor(private readonly source: TopicsSource) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Re-reads end offsets of the listed topics (for rates) and redraws; called on a timer while the view shows. */
  async updateRates(): Promise<void> {
    for (const { cluster, topics, offline } of this.listed.values()) {
      if (offline || topics.length === 0) continue;
      try {
        const ends = await this.source.admin(cluster).endOffsets(topics.map((t) => t.name));
        const now = Date.now();
        for (const [topic, end] of ends) this.topicRates.set(`${cluster.id}/${topic}`, this.rates.observe(`${cluster.id}/${topic}`, end, now));
      } catch {
        // the next listing shows the error item
      }
    }
    this.changed.fire(undefined);
  }

  async getChildren(node?: TopicsNode): Promise<TopicsNode[]> {
    if (!node) return (await this.source.clusters()).map((cluster) => ({ kind: 'cluster', cluster }));
    const { cluster } = node as { cluster: ClusterRef };
    try {
      const admin = this.source.admin(cluster);
      switch (node.kind) {
        case 'cluster': {
          const topics = (await admin.listTopics({ includeInternal: this.showInternal })).sort((a, b) => a.name.localeCompare(b.name));
          this.listed.set(cluster.id, { cluster, topics });
          return [...topics.map((topic): TopicsNode => ({ kind: 'topic', cluster, topic })), { kind: 'groups', cluster }];
        }
        case 'topic': {
          const details = await admin.describeTopic(node.topic.name);
          return details.partitions.map((partition) => ({ kind: 'partition', cluster, topic: node.topic.name, partition }));
        }
        case 'groups':
          return (await admin.listConsumerGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId)).map((group) => ({ kind: 'group', cluster, group }));
        case 'group':
          return (await admin.consumerGroupLag(node.group.groupId)).partitions.map((lag) => ({ kind: 'lag', cluster, groupId: node.group.groupId, lag }));
        default:
          return [];
      }
    } catch (error) {
      if (node.kind === 'cluster') this.listed.set(cluster.id, { cluster, topics: [], offline: shortMessage(error) });
      return [{ kind: 'error', cluster, message: shortMessage(error) }];
    }
  }

  getTreeItem(node: TopicsNode): vscode.TreeItem {
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'cluster': {
        const item = new vscode.TreeItem(node.cluster.label, vscode.TreeItemCollapsibleState.Expanded);
        const offline = this.listed.get(node.cluster.id)?.offline;
        item.id = `cluster:${node.cluster.id}`;
        item.description = offline ? `${node.cluster.servers.join(', ')} · offline` : node.cluster.servers.join(', ');
        item.iconPath = new vscode.ThemeIcon(offline ? 'debug-disconnect' : 'server-environment');
        item.contextValue = 'kafkaCluster';
        item.tooltip = `Kafka cluster at ${node.cluster.servers.join(', ')}`;
        return item;
      }
      case 'topic': {
        const item = new vscode.TreeItem(node.topic.name, Collapsed);
        item.id = `topic:${node.cluster.id}/${node.topic.name}`;
        const measured = this.topicRates.get(`${node.cluster.id}/${node.topic.name}`);
        const rate = measured === undefined ? undefined : formatRate(measured, ' msg/s');
        item.description = [`${node.topic.partitionCount} partition${node.topic.partitionCount === 1 ? '' : 's'}`, rate].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(node.topic.internal ? 'lock' : 'list-unordered');
        item.contextValue = node.topic.internal ? 'kafkaTopic.internal' : 'kafkaTopic';
        item.tooltip = `${node.topic.name}: ${node.topic.partitionCount} partitions${rate ? `, ${rate} (from end-offset deltas)` : ''}`;
        return item;
      }
      case 'partition': {
        const p = node.partition;
        const item = new vscode.TreeItem(`partition ${p.partition}`, vscode.TreeItemCollapsibleState.None);
        item.id = `partition:${node.cluster.id}/${node.topic}/${p.partition}`;
        item.description = `leader ${p.leader} · offsets ${formatCount(p.startOffset)}–${formatCount(p.endOffset)}`;
        item.tooltip = `Partition ${p.partition} of ${node.topic}\nleader ${p.leader}, replicas ${p.replicas.join(', ')}, in sync ${p.isr.join(', ')}\nstart offset ${p.startOffset}, end offset ${p.endOffset} (${formatCount(p.endOffset - p.startOffset)} messages)`;
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        item.contextValue = 'kafkaPartition';
        return item;
      }
      case 'groups': {
        const item = new vscode.TreeItem('Consumer groups', Collapsed);
        item.id = `groups:${node.cluster.id}`;
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = 'kafkaGroups';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.group.groupId, Collapsed);
        item.id = `group:${node.cluster.id}/${node.group.groupId}`;
        item.description = `${node.group.state} · ${node.group.memberCount} member${node.group.memberCount === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = 'kafkaGroup';
        return item;
      }
      case 'lag': {
        const { lag } = node;
        const item = new vscode.TreeItem(`${lag.topic} [${lag.partition}]`, vscode.TreeItemCollapsibleState.None);
        item.id = `lag:${node.cluster.id}/${node.groupId}/${lag.topic}/${lag.partition}`;
        item.description = `lag ${formatCount(lag.lag)}`;
        item.tooltip = `committed ${lag.committedOffset ?? 'nothing'}, end ${lag.endOffset}, lag ${lag.lag}`;
        item.iconPath = new vscode.ThemeIcon(lag.lag > 0n ? 'arrow-down' : 'check');
        item.contextValue = 'kafkaLag';
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem('Cannot reach Kafka', vscode.TreeItemCollapsibleState.None);
        item.description = node.message;
        item.tooltip = new vscode.MarkdownString(`**Cannot reach Kafka** at ${node.cluster.servers.join(', ')}\n\n${node.message}\n\nClick to retry.`);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'kafkaError';
        item.command = { command: 'archlab.topics.refresh', title: 'Retry' };
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
