// The data generator started and stopped through its commands in real VS Code, producing to the test bed's
// real Kafka from a worker thread.
import * as assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import * as vscode from 'vscode';
import type { ArchlabApi } from '../../src/extension';
import type { FinalStatus } from '../../src/services/generator/protocol';
import { requireService } from '../support/testbed';

const TOPIC = 'snack_automat_message';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('data generator from VS Code (real Kafka)', function () {
  this.timeout(120_000);
  const broker = requireService('kafka').bootstrap;
  const kafka = new Kafka({ brokers: [broker], clientId: 'archlab-generator-test', logLevel: logLevel.NOTHING });
  const config = () => vscode.workspace.getConfiguration('archlab');
  let api: ArchlabApi;

  async function topicTotal(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(TOPIC)) return 0;
      return (await admin.fetchTopicOffsets(TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ArchlabApi>('archlab.archlab')!.activate();
    await config().update('kafka.bootstrapServers', [broker], vscode.ConfigurationTarget.Global);
    await config().update('generator.eventsPerSecond', 400, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (api.generator().running) await vscode.commands.executeCommand('archlab.stopGenerator');
    for (const key of ['kafka.bootstrapServers', 'generator.eventsPerSecond']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts, produces at about the set rate, and stops with truth equal to what the topic received', async () => {
    const before = await topicTotal();
    await vscode.commands.executeCommand('archlab.startGenerator');
    assert.equal(api.generator().running, true);
    const deadline = Date.now() + 60_000;
    while ((api.generator().statuses()[0]?.status.acked ?? 0) < 800 && Date.now() < deadline) await sleep(100);
    const [running] = api.generator().statuses();
    assert.equal(running.status.state, 'running');
    assert.ok(running.status.acked >= 800, `it produces: ${running.status.acked} acknowledged`);
    const elapsedS = (Date.now() - (running.status.startedAt ?? 0)) / 1000;
    assert.ok(running.status.acked / elapsedS <= 400 * 1.1, `never faster than the set 400/s: ${(running.status.acked / elapsedS).toFixed(0)}/s`);
    const finals = await vscode.commands.executeCommand<FinalStatus[]>('archlab.stopGenerator');
    assert.equal(api.generator().running, false);
    assert.equal(finals.length, 1);
    const after = await topicTotal();
    assert.equal(after - before, finals[0].acked, 'the topic grew by exactly the acknowledged events');
    assert.equal(
      Object.values(finals[0].truth).reduce((a, b) => a + b, 0),
      finals[0].acked,
      'truth sums to the acknowledged events',
    );
  });

  it('Start without any Kafka fails with an actionable message (no exception)', async () => {
    await config().update('kafka.bootstrapServers', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('archlab.startGenerator');
    assert.equal(api.generator().running, false);
    await config().update('kafka.bootstrapServers', [broker], vscode.ConfigurationTarget.Global);
  });
});
