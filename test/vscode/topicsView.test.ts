// The Topics view's tree against the test bed's real Kafka 4 broker, inside real VS Code.
import * as assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ArchlabApi } from '../../src/extension';
import type { TopicsNode } from '../../src/views/topics/topicsTree';
import { closedPort } from '../support/ports';
import { requireService } from '../support/testbed';

const run = `${Date.now().toString(36)}`;
const topicA = `archlab-view-a-${run}`;
const topicB = `archlab-view-b-${run}`;
const group = `archlab-view-group-${run}`;

describe('Topics view against a real Kafka broker', function () {
  this.timeout(120_000);
  const broker = requireService('kafka').bootstrap;
  const kafka = new Kafka({ brokers: [broker], clientId: 'archlab-view-test', logLevel: logLevel.NOTHING });
  const config = () => vscode.workspace.getConfiguration('archlab');
  let api: ArchlabApi;
  const children = (node?: TopicsNode) => Promise.resolve(api.topicsTree().getChildren(node)) as Promise<TopicsNode[]>;
  const item = (node: TopicsNode) => api.topicsTree().getTreeItem(node) as vscode.TreeItem;
  const clusterNode = async () => {
    const roots = await children();
    assert.equal(roots.length, 1);
    return roots[0];
  };

  before(async () => {
    api = await vscode.extensions.getExtension<ArchlabApi>('archlab.archlab')!.activate();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: topicA, numPartitions: 3 },
        { topic: topicB, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topicA, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ item: 'twix', i }) })) });
    await producer.send({ topic: topicB, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    // A group that committed 4 of topicB's 10 messages: lag 6.
    const groupAdmin = kafka.admin();
    await groupAdmin.connect();
    await groupAdmin.setOffsets({ groupId: group, topic: topicB, partitions: [{ partition: 0, offset: '4' }] });
    await groupAdmin.disconnect();
    await config().update('kafka.bootstrapServers', [broker], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await config().update('kafka.bootstrapServers', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('archlab.topics.hideInternal');
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topicA, topicB] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('shows the configured cluster, its topics (internal hidden) and a consumer-groups folder', async () => {
    const cluster = await clusterNode();
    assert.equal(cluster.kind, 'cluster');
    assert.match(String(item(cluster).description), new RegExp(broker.replace(/\./g, '\\.')));
    const nodes = await children(cluster);
    const topics = nodes.filter((n): n is Extract<TopicsNode, { kind: 'topic' }> => n.kind === 'topic');
    const names = topics.map((n) => n.topic.name);
    assert.ok(names.includes(topicA) && names.includes(topicB), names.join(', '));
    assert.ok(!names.includes('__consumer_offsets'), 'internal topics hidden by default');
    assert.equal(item(topics.find((t) => t.topic.name === topicA)!).description, '3 partitions');
    assert.ok(nodes.some((n) => n.kind === 'groups'));
  });

  it('lists partitions with leader and start/end offsets', async () => {
    const cluster = await clusterNode();
    const topic = (await children(cluster)).find((n) => n.kind === 'topic' && n.topic.name === topicA)!;
    const partitions = (await children(topic)) as Extract<TopicsNode, { kind: 'partition' }>[];
    assert.deepEqual(
      partitions.map((p) => p.partition.partition),
      [0, 1, 2],
    );
    assert.equal(
      partitions.reduce((sum, p) => sum + Number(p.partition.endOffset - p.partition.startOffset), 0),
      30,
    );
    assert.match(String(item(partitions[0]).description), /^leader 1 · offsets 0–\d+$/);
  });

  it('shows a consumer group with its per-partition lag', async () => {
    const cluster = await clusterNode();
    const groupsFolder = (await children(cluster)).find((n) => n.kind === 'groups')!;
    const groupNode = (await children(groupsFolder)).find((n) => n.kind === 'group' && n.group.groupId === group);
    assert.ok(groupNode, 'the group is listed');
    const lags = (await children(groupNode)) as Extract<TopicsNode, { kind: 'lag' }>[];
    assert.equal(lags.length, 1);
    assert.equal(lags[0].lag.lag, 6n);
    assert.equal(item(lags[0]).description, 'lag 6');
  });

  it('shows internal topics when toggled', async () => {
    await vscode.commands.executeCommand('archlab.topics.showInternal');
    const names = (await children(await clusterNode())).filter((n) => n.kind === 'topic').map((n) => (n as Extract<TopicsNode, { kind: 'topic' }>).topic.name);
    assert.ok(names.includes('__consumer_offsets'), names.join(', '));
    await vscode.commands.executeCommand('archlab.topics.hideInternal');
  });

  it("computes a topic's message rate from end-offset deltas", async () => {
    await children(await clusterNode());
    await api.topicsTree().updateRates();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topicA, messages: Array.from({ length: 200 }, (_, i) => ({ value: `r${i}` })) });
    await producer.disconnect();
    await api.topicsTree().updateRates();
    const topic = (await children(await clusterNode())).find((n) => n.kind === 'topic' && n.topic.name === topicA)!;
    const rate = /· ([\d.,]+) msg\/s/.exec(String(item(topic).description));
    assert.ok(rate, `rate shown: ${String(item(topic).description)}`);
    assert.ok(Number(rate[1].replace(/,/g, '')) > 0);
  });

  it('a broker that does not answer gives an offline item, then the view recovers', async () => {
    await config().update('kafka.bootstrapServers', [`127.0.0.1:${await closedPort()}`], vscode.ConfigurationTarget.Global);
    const offline = await children(await clusterNode());
    assert.equal(offline.length, 1);
    assert.equal(offline[0].kind, 'error');
    assert.match(String(item(offline[0]).description), /127\.0\.0\.1:\d+/);
    await config().update('kafka.bootstrapServers', [broker], vscode.ConfigurationTarget.Global);
    assert.ok((await children(await clusterNode())).some((n) => n.kind === 'topic'));
  });
});
