// The truth service and the comparison feed against the test bed's real Kafka 4 and Cassandra 5: messages that
// reach the topic from elsewhere (Produce Message, another client) join the truth as "produced outside the
// generator", before and after a restore (a window reload), as the comparison panel reads them.
import * as assert from 'node:assert/strict';
import { DriverCassandraClient } from '../../src/clients/cassandra/driverClient';
import { manualEvent, serializeEvent } from '../../src/core/events';
import { SILENT_LOGGER } from '../../src/core/logger';
import { LabComparisonFeed } from '../../src/services/comparisonFeed';
import { CassandraConnections, KafkaConnections } from '../../src/services/connections';
import { ContainersModel } from '../../src/services/containers';
import { TruthService } from '../../src/services/truth';
import { applySchema } from '../support/labSchema';
import { requireService } from '../support/testbed';

describe('truth service and comparison feed (real Kafka 4 and Cassandra 5)', function () {
  this.timeout(120_000);
  const kafkaInfo = requireService('kafka');
  const cassandraInfo = requireService('cassandra');
  const suffix = `${Date.now().toString(36)}${process.pid}`;
  const topic = `truth-${suffix}`;
  const keyspace = `archlab_truth_${suffix}`;
  // Configured servers, as a user who points Archlab at their own cluster: Docker is never asked.
  const containers = new ContainersModel(
    () => {
      throw new Error('Docker is not used with configured servers');
    },
    { isLabProject: () => false },
  );
  const kafka = new KafkaConnections(() => [kafkaInfo.bootstrap], containers);
  const cassandra = new CassandraConnections(
    () => ({ contactPoints: [cassandraInfo.contactPoint], localDataCenter: cassandraInfo.localDataCenter }),
    containers,
  );
  /** A window: its own truth service and feed over the same clusters (a reload makes a new one). */
  const window = () => {
    const truth = new TruthService({ kafka, cassandra, log: SILENT_LOGGER, topic, keyspace });
    return new LabComparisonFeed(cassandra, kafka, containers, truth, keyspace);
  };
  const admin = async () => kafka.admin((await kafka.clusters())[0]);
  const produce = async (value: string) => (await admin()).produce(topic, { key: `k-${Math.random()}`, value });

  before(async () => {
    const schemaClient = new DriverCassandraClient({ contactPoints: [cassandraInfo.contactPoint], localDataCenter: cassandraInfo.localDataCenter });
    await applySchema(schemaClient, keyspace);
    await schemaClient.close();
    await (await admin()).createTopic({ name: topic, partitions: 3 });
  });

  after(async () => {
    await (await admin()).deleteTopic(topic).catch(() => undefined);
    await cassandra
      .client((await cassandra.clusters())[0])
      .execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)
      .catch(() => undefined);
    await Promise.all([kafka.dispose(), cassandra.dispose()]);
    containers.dispose();
  });

  it('counts messages produced by hand as outside the generator, valid ones in the truth, and keeps them through a reload', async () => {
    await produce(serializeEvent(manualEvent('twix')));
    await produce(serializeEvent(manualEvent('twix')));
    await produce('{"item": "twix"'); // malformed: every job counts it as invalid
    const first = await window().snapshot();
    assert.deepEqual(first.outside, { valid: 2, invalid: 1 });
    assert.equal(first.truth?.twix, 2);
    assert.equal(first.producedTotal, 2);

    // After a reload: restored from Cassandra at the stored offsets, nothing counted twice.
    const reloaded = window();
    assert.deepEqual((await reloaded.snapshot()).outside, { valid: 2, invalid: 1 });

    // A message produced while the panel is open (no generator run): shown on the next refresh.
    await produce(serializeEvent(manualEvent('mars')));
    const later = await reloaded.snapshot();
    assert.deepEqual(later.outside, { valid: 3, invalid: 1 });
    assert.equal(later.truth?.mars, 1);
    assert.equal(later.truth?.twix, 2);

    // And another window that restores now agrees exactly.
    assert.deepEqual((await window().snapshot()).truth, later.truth);
  });
});
