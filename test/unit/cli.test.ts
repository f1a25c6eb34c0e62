// The CLI's own pieces: settings from flags and ARCHLAB_* variables, the secrets file, the comparison table.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compare } from '../../src/core/comparison';
import { FileSecretStore } from '../../src/cli/fileSecrets';
import { comparisonTable, everyPipelineExact } from '../../src/cli/output';
import { cliSettings } from '../../src/cli/settings';

describe('archlab CLI pieces', () => {
  it('reads connection flags before ARCHLAB_* variables, and validates them like the extension', () => {
    const env = { ARCHLAB_KAFKA: '10.0.0.1:9092', ARCHLAB_CASSANDRA: '10.0.0.2' };
    assert.deepEqual(cliSettings({}, env).settings.kafkaBootstrapServers, ['10.0.0.1:9092']);
    assert.deepEqual(cliSettings({ kafka: 'a:1, b:2' }, env).settings.kafkaBootstrapServers, ['a:1', 'b:2']);
    assert.deepEqual(cliSettings({}, env).settings.cassandraContactPoints, ['10.0.0.2']);
    const bad = cliSettings({ kafka: 'no port here' }, {});
    assert.equal(bad.problems.length, 1);
    assert.match(bad.problems[0].message, /not a valid host:port/);
  });

  it('keeps secrets in a file only its owner can read, and keeps the others when one is added', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-secrets-'));
    const file = path.join(dir, 'archlab', 'secrets.json');
    const store = new FileSecretStore(file);
    assert.equal(await store.get('grafana'), undefined);
    await store.store('grafana', 's3cret');
    await store.store('other', 'x');
    assert.equal(await new FileSecretStore(file).get('grafana'), 's3cret');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    fs.writeFileSync(file, '{ broken');
    await assert.rejects(store.get('grafana'), /is not a readable secrets file/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the answer table and tells an exact comparison from one that is not', () => {
    const truth = { twix: 3, mars: 2 };
    const exact = compare({ at: 0, truth, views: { validation: { counts: { twix: 3, mars: 2 }, invalid: 0 } }, stacks: { lambda: true, kappa: false } });
    assert.equal(everyPipelineExact(exact), true);
    assert.match(comparisonTable(exact), /^twix\s+3\s+3$/m);
    const behind = compare({ at: 0, truth, views: { validation: { counts: { twix: 3, mars: 1 }, invalid: 0 } }, stacks: { lambda: true, kappa: false } });
    assert.equal(everyPipelineExact(behind), false);
    assert.match(comparisonTable(behind), /^exact\s+NO$/m);
    assert.equal(everyPipelineExact(compare({ at: 0, views: {}, stacks: { lambda: false, kappa: false } })), false, 'no truth, no data: not exact');
  });
});
