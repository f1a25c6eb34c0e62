import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ArchlabApi } from '../../src/extension';
import { requireService } from '../support/testbed';

const EXTENSION_ID = 'archlab.archlab';

async function activate(): Promise<ArchlabApi> {
  const extension = vscode.extensions.getExtension<ArchlabApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

function manifest(): { contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> } } {
  return vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
}

describe('Archlab in a real VS Code', () => {
  it('activates and exposes its API', async () => {
    const api = await activate();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)!.isActive, true);
    assert.equal(typeof api.readSettings, 'function');
  });

  it('registers every contributed command, and contributes every command it registers', async () => {
    await activate();
    const registered = new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('archlab.')));
    const contributed = manifest().contributes.commands.map((c) => c.command);
    for (const command of contributed) assert.ok(registered.has(command), `${command} is registered`);
    const viewCommands = /\.(focus|resetViewLocation|toggleVisibility|removeView|open)$/;
    const extra = [...registered].filter(
      (c) =>
        !contributed.includes(c) &&
        !viewCommands.test(c) &&
        !c.startsWith('archlab.containers.') &&
        !c.startsWith('archlab.topics.') &&
        !c.startsWith('archlab.cassandra.'),
    );
    assert.deepEqual(extra, [], 'registered but not in package.json');
  });

  it('registers the four views so they can be focused', async () => {
    await activate();
    for (const view of manifest().contributes.views.archlab) {
      await vscode.commands.executeCommand(`${view.id}.focus`);
    }
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['archlab.containers', 'archlab.pipelines', 'archlab.topics', 'archlab.cassandra'])
      assert.ok(commands.includes(`${id}.focus`), `${id} view exists`);
  });

  it('the refresh commands re-read their view: the containers from Docker, the topics and tables from the configured clusters', async () => {
    const api = await activate();
    const config = vscode.workspace.getConfiguration('archlab');
    await config.update('kafka.bootstrapServers', [requireService('kafka').bootstrap], vscode.ConfigurationTarget.Global);
    await config.update('cassandra.contactPoints', [requireService('cassandra').contactPoint], vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('archlab.containers.refresh');
      assert.equal(api.containers().kind, 'ready', "the refresh read the containers of the test bed's Docker engine");
      const seen: string[] = [];
      const topicsChanged = api.topicsTree().onDidChangeTreeData(() => seen.push('topics'));
      const tablesChanged = api.cassandraTree().onDidChangeTreeData(() => seen.push('cassandra'));
      await vscode.commands.executeCommand('archlab.topics.refresh');
      await vscode.commands.executeCommand('archlab.cassandra.refresh');
      topicsChanged.dispose();
      tablesChanged.dispose();
      assert.ok(seen.includes('topics') && seen.includes('cassandra'), `both trees were told to re-read: ${seen.join(', ')}`);
      const [kafkaCluster] = await api.topicsTree().getChildren();
      const topics = await api.topicsTree().getChildren(kafkaCluster);
      assert.ok(topics.some((n) => n.kind === 'groups') && topics.every((n) => n.kind !== 'error'), 'the topics were listed from the broker');
      const [cassandraCluster] = await api.cassandraTree().getChildren();
      const keyspaces = await api.cassandraTree().getChildren(cassandraCluster);
      assert.ok(keyspaces.some((n) => n.kind === 'keyspace') && keyspaces.every((n) => n.kind !== 'message'), 'the keyspaces were listed from Cassandra');
    } finally {
      await config.update('kafka.bootstrapServers', undefined, vscode.ConfigurationTarget.Global);
      await config.update('cassandra.contactPoints', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  describe('settings validation', () => {
    const config = () => vscode.workspace.getConfiguration('archlab');
    afterEach(async () => {
      for (const key of ['kafka.bootstrapServers', 'generator.eventsPerSecond', 'memoryProfile', 'docker.host']) {
        await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it('rejects bad values with a clear message and keeps the defaults', async () => {
      const api = await activate();
      await config().update('kafka.bootstrapServers', ['localhost'], vscode.ConfigurationTarget.Global);
      await config().update('generator.eventsPerSecond', -5, vscode.ConfigurationTarget.Global);
      await config().update('memoryProfile', 'enormous', vscode.ConfigurationTarget.Global);
      const { settings, problems } = api.readSettings();
      assert.deepEqual(problems.map((p) => p.key).sort(), ['archlab.generator.eventsPerSecond', 'archlab.kafka.bootstrapServers', 'archlab.memoryProfile']);
      assert.match(
        problems.find((p) => p.key === 'archlab.kafka.bootstrapServers')!.message,
        /"localhost" is not a valid host:port \(for example "127\.0\.0\.1:9092"\)/,
      );
      assert.deepEqual(settings.kafkaBootstrapServers, []);
      assert.equal(settings.generatorEventsPerSecond, 100);
      assert.equal(settings.memoryProfile, 'standard');
    });

    it('accepts good values as the user set them', async () => {
      const api = await activate();
      await config().update('kafka.bootstrapServers', ['127.0.0.1:19092'], vscode.ConfigurationTarget.Global);
      await config().update('docker.host', 'unix:///run/user/1000/docker.sock', vscode.ConfigurationTarget.Global);
      const { settings, problems } = api.readSettings();
      assert.deepEqual(problems, []);
      assert.deepEqual(settings.kafkaBootstrapServers, ['127.0.0.1:19092']);
      assert.equal(settings.dockerHost, 'unix:///run/user/1000/docker.sock');
    });
  });
});
