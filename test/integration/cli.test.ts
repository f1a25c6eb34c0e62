// The `archlab` command line as a script runs it (node bin/archlab.js, the built bundle), against the test bed's
// real Kafka 4 and Cassandra 5 given as configured servers: exit codes, clear errors, generate and compare --json.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DriverCassandraClient } from '../../src/clients/cassandra/driverClient';
import type { Comparison } from '../../src/core/comparison';
import { manualEvent, serializeEvent } from '../../src/core/events';
import { SNACK_TOPIC } from '../../src/core/snacks';
import { applySchema } from '../support/labSchema';
import { repoRoot } from '../support/scriptHelpers';
import { requireService } from '../support/testbed';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function archlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', 'archlab.js'), ...args],
      { env: { ...process.env, XDG_CONFIG_HOME: path.join(repoRoot, '.testbed', 'cli-config'), ...env }, timeout: 240_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('archlab CLI (built bundle, real Kafka 4 and Cassandra 5)', function () {
  this.timeout(300_000);
  const kafkaInfo = requireService('kafka');
  const cassandraInfo = requireService('cassandra');
  const servers = ['--kafka', kafkaInfo.bootstrap, '--cassandra', cassandraInfo.contactPoint, '--data-center', cassandraInfo.localDataCenter];
  const kafka = new Kafka({ clientId: 'archlab-cli-test', brokers: [kafkaInfo.bootstrap], logLevel: logLevel.NOTHING });
  const cassandra = new DriverCassandraClient({ contactPoints: [cassandraInfo.contactPoint], localDataCenter: cassandraInfo.localDataCenter });

  /** The lab topic and its stored truth start empty and are removed afterwards (the other suites use them). */
  async function clearLabTopic() {
    // TRUNCATE, not DELETE: the truth is written with lightweight transactions, and a plain DELETE need not win.
    await cassandra.execute('TRUNCATE archlab.truth');
    const admin = kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(SNACK_TOPIC)) await admin.deleteTopics({ topics: [SNACK_TOPIC], timeout: 60_000 });
    } finally {
      await admin.disconnect();
    }
  }

  before(async () => {
    await applySchema(cassandra);
    await clearLabTopic();
  });
  after(async () => {
    await clearLabTopic().catch(() => undefined);
    await cassandra.close();
  });

  it('answers a wrong command line with exit code 2 and the usage', async () => {
    const ran = await archlab(['up', 'omega']);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /choose one of lambda, kappa/);
    assert.match(ran.stderr, /Usage: archlab up/);
  });

  it('says what to do when Docker is not reachable: exit code 1, one clear message, no stack trace', async () => {
    const ran = await archlab(['--docker-host', 'tcp://127.0.0.1:1', 'status']);
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /Docker is not reachable at tcp:\/\/127\.0\.0\.1:1/);
    assert.doesNotMatch(ran.stderr, /\n\s+at /, 'no stack trace');
    assert.match(ran.stderr, /from --docker-host/, 'names the flag, not the editor setting');
    const compared = await archlab(['--docker-host', 'tcp://127.0.0.1:1', 'compare']);
    assert.equal(compared.code, 1);
    assert.match(compared.stderr, /^Nothing to compare: Docker is not reachable at tcp:\/\/127\.0\.0\.1:1 .*--kafka and --cassandra\.\n$/);
  });

  it('experiment and report: a wrong option or setting is a usage error; no stack, or no record, is one clear message', async () => {
    const wrong = await archlab(['experiment', 'rate-sweep', '--factor', '1']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--factor must be a number above 1/);
    const noStack = await archlab(['--docker-host', 'tcp://127.0.0.1:1', 'experiment', 'rate-sweep', '--steps', '1', '--hold', '1']);
    assert.equal(noStack.code, 1);
    assert.match(noStack.stderr, /No lab stack is running: start Lambda or Kappa with its jobs/);
    assert.doesNotMatch(noStack.stderr, /\n\s+at /, 'no stack trace');
    const badSetting = await archlab(['experiment', 'scale', '--settings', '1:1:512m,lots']);
    assert.equal(badSetting.code, 2);
    assert.match(badSetting.stderr, /--settings: "lots" is not a scale setting: write workers:cores:memory, e\.g\. 1:2:512m/);
    const noKappa = await archlab(['--docker-host', 'tcp://127.0.0.1:1', 'experiment', 'scale', '--settings', '1:1:512m,1:2:512m']);
    assert.equal(noKappa.code, 1);
    assert.match(noKappa.stderr, /start Kappa with its jobs first/);
    assert.doesNotMatch(noKappa.stderr, /\n\s+at /, 'no stack trace');
    const noRecord = await archlab(['report', path.join(repoRoot, '.testbed', 'no-such-experiment')]);
    assert.equal(noRecord.code, 1);
    assert.match(noRecord.stderr, /No experiment in .*no-such-experiment: neither rate-sweep\.json nor scale\.json is there/);
  });

  it('rejects a bad server address before connecting (exit code 2)', async () => {
    const ran = await archlab(['--kafka', 'not a host', 'compare']);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /archlab\.kafka\.bootstrapServers: "not a host" is not a valid host:port/);
  });

  it('generates events and compares: the truth equals what was acknowledged, a hand-made message shows as outside', async () => {
    const generated = await archlab([...servers, '--json', 'generate', '--rate', '0', '--events', '5000', '--seed', '7']);
    assert.equal(generated.code, 0, generated.stderr);
    const [run] = JSON.parse(generated.stdout) as { acknowledged: number; truth: Record<string, number>; state: string }[];
    assert.equal(run.acknowledged, 5000);
    assert.equal(run.state, 'done');

    // No jobs run here, so no pipeline is exact yet: exit code 3, and the truth is the generator's.
    const compared = await archlab([...servers, '--json', 'compare']);
    assert.equal(compared.code, 3, compared.stderr);
    const comparison = JSON.parse(compared.stdout) as Comparison;
    assert.equal(comparison.truthTotal, 5000);
    for (const row of comparison.rows) assert.equal(row.truth, run.truth[row.snack] ?? 0, row.snack);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: SNACK_TOPIC, messages: [{ value: serializeEvent(manualEvent('mars')) }, { value: 'not json' }] });
    await producer.disconnect();
    const again = JSON.parse((await archlab([...servers, '--json', 'compare'])).stdout) as Comparison;
    assert.deepEqual(again.outside, { valid: 1, invalid: 1 });
    assert.equal(again.rows.find((r) => r.snack === 'mars')?.truth, (run.truth.mars ?? 0) + 1);

    const text = await archlab([...servers, 'compare']);
    assert.match(text.stdout, /^snack\s+truth/m);
    assert.match(text.stdout, /1 valid and 1 invalid messages produced outside the generator/);
  });
});
