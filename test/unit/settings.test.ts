import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, parseHostPort, validateSettings } from '../../src/core/settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

describe('settings validation', () => {
  it('uses the defaults when nothing is set', () => {
    const { settings, problems } = validateSettings(reader({}));
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(problems, []);
  });

  it('accepts good values and trims them', () => {
    const { settings, problems } = validateSettings(
      reader({
        'kafka.bootstrapServers': [' broker-1.example:9092', '10.0.0.2:19092'],
        'cassandra.contactPoints': ['cassandra.example', '[::1]:9043'],
        'cassandra.localDataCenter': ' dc-east ',
        'docker.host': 'tcp://127.0.0.1:2375',
        'generator.eventsPerSecond': 0,
        'generator.seed': -7,
        memoryProfile: 'large',
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.kafkaBootstrapServers, ['broker-1.example:9092', '10.0.0.2:19092']);
    assert.deepEqual(settings.cassandraContactPoints, ['cassandra.example', '[::1]:9043']);
    assert.equal(settings.cassandraLocalDataCenter, 'dc-east');
    assert.equal(settings.dockerHost, 'tcp://127.0.0.1:2375');
    assert.equal(settings.generatorEventsPerSecond, 0);
    assert.equal(settings.generatorSeed, -7);
    assert.equal(settings.memoryProfile, 'large');
  });

  it('rejects a bootstrap server without a port, naming the value, the key and an example', () => {
    const { settings, problems } = validateSettings(reader({ 'kafka.bootstrapServers': ['localhost'] }));
    assert.deepEqual(settings.kafkaBootstrapServers, DEFAULT_SETTINGS.kafkaBootstrapServers);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].key, 'archlab.kafka.bootstrapServers');
    assert.match(problems[0].message, /"localhost" is not a valid host:port/);
    assert.match(problems[0].message, /127\.0\.0\.1:9092/);
  });

  it('rejects out-of-range ports, a bad docker host, a bad rate, seed and profile, each with its own message', () => {
    const { settings, problems } = validateSettings(
      reader({
        'cassandra.contactPoints': ['db:70000'],
        'docker.host': '/var/run/docker.sock',
        'generator.eventsPerSecond': 2.5,
        'generator.seed': 'abc',
        memoryProfile: 'huge',
        'cassandra.localDataCenter': '  ',
      }),
    );
    assert.deepEqual(problems.map((p) => p.key).sort(), [
      'archlab.cassandra.contactPoints',
      'archlab.cassandra.localDataCenter',
      'archlab.docker.host',
      'archlab.generator.eventsPerSecond',
      'archlab.generator.seed',
      'archlab.memoryProfile',
    ]);
    assert.match(problems.find((p) => p.key === 'archlab.docker.host')!.message, /unix:\/\/\/var\/run\/docker\.sock/);
    assert.match(problems.find((p) => p.key === 'archlab.generator.eventsPerSecond')!.message, /whole number .* not 2\.5/);
    assert.match(problems.find((p) => p.key === 'archlab.memoryProfile')!.message, /small, standard, large/);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
  });

  it('rejects a rate above the maximum and a list that is not a list', () => {
    const { problems } = validateSettings(reader({ 'generator.eventsPerSecond': 5_000_000, 'kafka.bootstrapServers': '127.0.0.1:9092' }));
    assert.equal(problems.length, 2);
    assert.match(problems[1].message, /from 1 to 1000000/);
    assert.match(problems[0].message, /must be a list of "host:port" strings/);
  });

  it('parses host:port forms', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:9092'), { host: '127.0.0.1', port: 9092 });
    assert.deepEqual(parseHostPort('cassandra', 9042), { host: 'cassandra', port: 9042 });
    assert.deepEqual(parseHostPort('[::1]:9042'), { host: '[::1]', port: 9042 });
    assert.equal(parseHostPort('host:0'), undefined);
    assert.equal(parseHostPort('host:65536'), undefined);
    assert.equal(parseHostPort('-bad-:1'), undefined);
    assert.equal(parseHostPort(''), undefined);
  });
});
