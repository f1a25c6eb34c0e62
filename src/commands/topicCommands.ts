import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import { manualEvent, serializeEvent } from '../core/events';
import type { Logger } from '../core/logger';
import type { ClusterRef } from '../services/connections';
import type { PeekDocuments } from '../views/topics/peekDocuments';
import type { TopicsNode, TopicsSource, TopicsTreeProvider } from '../views/topics/topicsTree';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export interface TopicCommandContext {
  source: TopicsSource;
  tree: TopicsTreeProvider;
  peeks: PeekDocuments;
  log: Logger;
}

async function pickCluster(ctx: TopicCommandContext, node: unknown): Promise<ClusterRef | undefined> {
  const given = (node as { cluster?: ClusterRef } | undefined)?.cluster;
  if (given) return given;
  const clusters = await ctx.source.clusters();
  if (clusters.length === 0)
    throw new UserFacingError('No Kafka cluster is connected: start a lab stack, or set archlab.kafka.bootstrapServers.', {
      actions: [{ title: 'Configure Connection', command: 'archlab.configureConnections' }],
    });
  if (clusters.length === 1) return clusters[0];
  return (
    await vscode.window.showQuickPick(
      clusters.map((c) => ({ label: c.label, description: c.servers.join(', '), cluster: c })),
      { title: 'Which Kafka cluster?' },
    )
  )?.cluster;
}

async function pickTopic(ctx: TopicCommandContext, node: unknown): Promise<{ cluster: ClusterRef; topic: string } | undefined> {
  const topicNode = node as Extract<TopicsNode, { kind: 'topic' }> | undefined;
  if (topicNode?.kind === 'topic') return { cluster: topicNode.cluster, topic: topicNode.topic.name };
  const cluster = await pickCluster(ctx, node);
  if (!cluster) return undefined;
  const topics = await ctx.source.admin(cluster).listTopics();
  const topic = await vscode.window.showQuickPick(topics.map((t) => t.name).sort(), { title: `Topic on ${cluster.label}` });
  return topic ? { cluster, topic } : undefined;
}

export function topicCommands(ctx: TopicCommandContext): Record<string, (node?: unknown) => Promise<void>> {
  return {
    'archlab.topics.peek': async (node) => {
      const target = await pickTopic(ctx, node);
      if (!target) return;
      const count = await vscode.window.showInputBox({
        title: `Peek the latest messages of ${target.topic}`,
        value: '20',
        prompt: 'How many messages (1–1000)?',
        validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000 ? undefined : 'A whole number from 1 to 1000'),
      });
      if (!count) return;
      const messages = await ctx.source.admin(target.cluster).peekLatest(target.topic, Number(count));
      await ctx.peeks.show(target.topic, messages);
    },
    'archlab.topics.produce': async (node) => {
      const target = await pickTopic(ctx, node);
      if (!target) return;
      const value = await vscode.window.showInputBox({
        title: `Produce a message to ${target.topic}`,
        prompt:
          'The message value (JSON or text). The default is a valid lab event: the views count it, the comparison shows it as produced outside the generator.',
        value: serializeEvent(manualEvent()),
      });
      if (value === undefined) return;
      const { partition, offset } = await ctx.source.admin(target.cluster).produce(target.topic, { value });
      ctx.log.info(`produced to ${target.topic} [${partition}] at offset ${offset}`);
      void vscode.window.showInformationMessage(`Archlab: produced to ${target.topic}, partition ${partition}, offset ${offset}.`);
      ctx.tree.refresh();
    },
    'archlab.topics.create': async (node) => {
      const cluster = await pickCluster(ctx, node);
      if (!cluster) return;
      const name = await vscode.window.showInputBox({
        title: `New topic on ${cluster.label}`,
        prompt: 'Topic name',
        validateInput: (v) => (TOPIC_NAME.test(v) ? undefined : 'Letters, digits, ".", "_" and "-" only (at most 249)'),
      });
      if (!name) return;
      const partitions = await vscode.window.showInputBox({
        title: `Partitions of ${name}`,
        value: '3',
        validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000 ? undefined : 'A whole number from 1 to 1000'),
      });
      if (!partitions) return;
      await ctx.source.admin(cluster).createTopic({ name, partitions: Number(partitions) });
      ctx.log.info(`created topic ${name} (${partitions} partitions) on ${cluster.servers.join(',')}`);
      ctx.tree.refresh();
    },
    'archlab.topics.delete': async (node) => {
      const target = await pickTopic(ctx, node);
      if (!target) return;
      const confirm = 'Delete Topic';
      const choice = await vscode.window.showWarningMessage(
        `Delete the topic "${target.topic}" on ${target.cluster.label}?`,
        { modal: true, detail: 'All its messages are lost. Jobs reading it will fail until it is recreated.' },
        confirm,
      );
      if (choice !== confirm) return;
      await ctx.source.admin(target.cluster).deleteTopic(target.topic);
      ctx.log.info(`deleted topic ${target.topic} on ${target.cluster.servers.join(',')}`);
      ctx.tree.refresh();
    },
    'archlab.topics.showInternal': async () => setInternal(ctx, true),
    'archlab.topics.hideInternal': async () => setInternal(ctx, false),
  };
}

async function setInternal(ctx: TopicCommandContext, show: boolean): Promise<void> {
  ctx.tree.showInternal = show;
  await vscode.commands.executeCommand('setContext', 'archlab.topics.showInternal', show);
  ctx.tree.refresh();
}
