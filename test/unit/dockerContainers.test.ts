import * as assert from 'node:assert/strict';
import { onlyOneShotsExited } from '../../src/clients/docker/composeCli';
import { explainComposeFailure, parseProgressLine } from '../../src/clients/docker/composeOutput';
import { healthFromStatus, toContainerStats, toContainerSummary } from '../../src/clients/docker/containerMapping';
import { UserFacingError } from '../../src/core/errors';
import { describeProgress, groupHealth } from '../../src/services/stacks';
import { containerContext, containerIcon, portsText } from '../../src/views/containers/containerPresentation';

// Shaped like the Engine API's GET /containers/json answer.
const apiContainer = {
  Id: 'abc123def4567890',
  Names: ['/archlab-kappa-kafka-1'],
  Image: 'apache/kafka:4.4.0',
  State: 'running',
  Status: 'Up 2 minutes (healthy)',
  Labels: { 'com.docker.compose.project': 'archlab-kappa', 'com.docker.compose.service': 'kafka' },
  Ports: [
    { IP: '127.0.0.1', PrivatePort: 9094, PublicPort: 29092, Type: 'tcp' },
    { IP: '::1', PrivatePort: 9094, PublicPort: 29092, Type: 'tcp' },
    { PrivatePort: 9092, Type: 'tcp' },
  ],
};

describe('Docker containers as Archlab sees them', () => {
  it('maps an API container: name, project, service, health, published ports once', () => {
    const c = toContainerSummary(apiContainer);
    assert.equal(c.name, 'archlab-kappa-kafka-1');
    assert.equal(c.project, 'archlab-kappa');
    assert.equal(c.service, 'kafka');
    assert.equal(c.health, 'healthy');
    assert.equal(c.oneShot, false);
    assert.deepEqual(c.ports, [{ hostIp: '127.0.0.1', hostPort: 29092, containerPort: 9094, protocol: 'tcp' }]);
    assert.equal(portsText(c), '29092→9094');
  });

  it('reads health from the status text, and none when not running', () => {
    assert.equal(healthFromStatus('Up 5 seconds (health: starting)'), 'starting');
    assert.equal(healthFromStatus('Up 1 minute (unhealthy)'), 'unhealthy');
    assert.equal(healthFromStatus('Up 1 minute'), 'none');
    assert.equal(toContainerSummary({ ...apiContainer, State: 'exited', Status: 'Exited (137) 3 seconds ago' }).health, 'none');
  });

  it('counts healthy services per stack, leaving one-shot helpers out', () => {
    const kafka = toContainerSummary(apiContainer);
    const starting = toContainerSummary({ ...apiContainer, Id: 'b', Status: 'Up 1 second (health: starting)' });
    const plain = toContainerSummary({ ...apiContainer, Id: 'c', Status: 'Up 1 minute' });
    const init = toContainerSummary({
      ...apiContainer,
      Id: 'd',
      State: 'exited',
      Status: 'Exited (0) 1 minute ago',
      Labels: { ...apiContainer.Labels, 'archlab.one-shot': 'true' },
    });
    const crashed = toContainerSummary({ ...apiContainer, Id: 'e', State: 'exited', Status: 'Exited (1) 1 minute ago' });
    assert.deepEqual(groupHealth([kafka, starting, plain, init, crashed]), { healthy: 2, total: 4 });
    assert.equal(containerIcon(init).id, 'check');
    assert.equal(containerIcon(crashed).id, 'circle-slash');
    assert.equal(containerIcon(starting).id, 'loading~spin');
    assert.equal(containerContext(kafka, true), 'container.running.ui');
    assert.equal(containerContext(crashed, false), 'container.stopped');
  });

  it('computes CPU % and memory the way docker stats does', () => {
    const stats = toContainerStats({
      cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
      memory_stats: { usage: 300 * 2 ** 20, limit: 1024 * 2 ** 20, stats: { inactive_file: 100 * 2 ** 20 } },
    });
    assert.equal(stats.cpuPercent, 20);
    assert.equal(stats.memoryBytes, 200 * 2 ** 20);
    assert.equal(stats.memoryLimitBytes, 1024 * 2 ** 20);
  });
});

describe('docker compose output', () => {
  it('reads progress phases and names the service', () => {
    const lines = [
      ' Network archlab-kappa_default  Creating',
      ' kafka Pulling ',
      ' Container archlab-kappa-kafka-1  Starting',
      ' Container archlab-kappa-kafka-1  Waiting',
      ' Container archlab-kappa-kafka-1  Healthy',
      '#5 [jobs 2/3] RUN pip install -r /requirements.txt',
    ];
    const parsed = lines.map(parseProgressLine);
    assert.deepEqual(
      parsed.map((p) => p?.phase),
      ['creating', 'pulling', 'starting', 'waiting', 'healthy', 'building'],
    );
    assert.equal(describeProgress(parsed[4]!, 'archlab-kappa'), 'kafka is healthy');
    assert.equal(describeProgress(parsed[3]!, 'archlab-kappa'), 'Waiting for kafka to be healthy…');
    assert.equal(describeProgress(parsed[1]!, 'archlab-kappa'), 'Pulling images: kafka…');
    assert.equal(parseProgressLine('some other line'), undefined);
  });

  it('explains the failures users hit, with a next step', () => {
    const cases: [string, RegExp][] = [
      [
        'Error response from daemon: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:29092 failed: port is already allocated',
        /127\.0\.0\.1:29092 is already in use/,
      ],
      ['dependency failed to start: container archlab-kappa-kafka-1 is unhealthy', /archlab-kappa-kafka-1 did not become healthy/],
      ['Error response from daemon: pull access denied for apache/kafka, repository does not exist', /pulling apache\/kafka failed/],
      [
        'failed to resolve reference "docker.io/apache/kafka:4.4.0": dial tcp: lookup registry-1.docker.io: no such host',
        /pulling .* failed\. Check the internet connection/,
      ],
      ['Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', /Docker is not running/],
      ['permission denied while trying to connect to the Docker daemon socket', /add your user to the "docker" group/],
      ["docker: 'compose' is not a docker command.", /Docker Compose v2 is missing/],
    ];
    for (const [stderr, expected] of cases) {
      const error = explainComposeFailure(stderr, { project: 'archlab-kappa' });
      assert.ok(error instanceof UserFacingError, stderr);
      assert.match(error.message, expected);
    }
    assert.equal(explainComposeFailure('something new', { project: 'p' }), undefined);
  });

  it('treats a one-shot init that exited 0 under --wait as success, nothing else', () => {
    assert.equal(onlyOneShotsExited(' Container p-store-1  Healthy\ncontainer p-init-1 exited (0)\n'), true);
    assert.equal(onlyOneShotsExited('container p-init-1 exited (1)\n'), false);
    assert.equal(onlyOneShotsExited('container p-init-1 exited (0)\ndependency failed to start: container p-db-1 is unhealthy\n'), false);
    assert.equal(onlyOneShotsExited(''), false);
  });
});
