// Smoke test of the test bed's real Docker engine (test/services/docker.mjs): compose v2 builds and starts a
// two-service project from the local base image, healthchecks and depends_on work, ports are published on
// 127.0.0.1 only, `down -v` removes everything; then the daemon is stopped and brought back.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { readTestbed, requireService } from '../support/testbed';

const exec = promisify(execFile);
const projectDir = path.resolve(__dirname, '..', '..', '..', 'test', 'services', 'docker', 'smoke');

function socketOf(host: string): string {
  assert.match(host, /^unix:\/\//, 'the test-bed engine listens on a unix socket');
  return host.slice('unix://'.length);
}

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', timeout: 5_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('test bed: Docker engine + compose v2 (real)', function () {
  this.timeout(300_000);
  const info = requireService('docker');
  const extra = info.extra as { dockerCli: string; control: string[]; logFile: string };
  const docker = new Docker({ socketPath: socketOf(info.host) });
  const project = `archlab-smoke-${Date.now().toString(36)}-${process.pid}`;
  const label = `com.docker.compose.project=${project}`;

  const compose = (...args: string[]) =>
    exec(extra.dockerCli, ['compose', '-p', project, '--project-directory', projectDir, ...args], {
      env: { ...process.env, DOCKER_HOST: info.host, DOCKER_CONFIG: info.dockerConfig },
      maxBuffer: 16 * 1024 * 1024,
    });
  const projectContainers = () => docker.listContainers({ all: true, filters: { label: [label] } });

  after(async () => {
    // Leave nothing behind even when an assertion failed half-way.
    await compose('down', '-v', '--rmi', 'local', '--remove-orphans', '--timeout', '2').catch(() => undefined);
  });

  it('answers a ping and reports the engine version recorded in the test-bed state', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const version = await docker.version();
    assert.equal(version.Version, info.version);
    const image = await docker.getImage(info.baseImage).inspect();
    assert.ok(image.Id.startsWith('sha256:'));
  });

  it('builds and starts the project with `compose up --wait`; both services end healthy', async () => {
    try {
      await compose('up', '-d', '--wait', '--build');
    } catch (error) {
      const logs = await compose('logs', '--no-color').then(
        (r) => r.stdout,
        () => '',
      );
      throw new Error(`${(error as Error).message}\n--- compose logs ---\n${logs}`);
    }
    const containers = await projectContainers();
    const services = containers.map((c) => c.Labels['com.docker.compose.service']).sort();
    assert.deepEqual(services, ['store', 'web']);
    for (const c of containers) {
      const inspect = await docker.getContainer(c.Id).inspect();
      assert.equal(inspect.State.Status, 'running', `${c.Names[0]} is running`);
      assert.equal(inspect.State.Health?.Status, 'healthy', `${c.Names[0]} is healthy`);
    }
  });

  it('publishes ports on 127.0.0.1 only, and web reaches store through the project network', async () => {
    const containers = await projectContainers();
    for (const c of containers) {
      const service = c.Labels['com.docker.compose.service'];
      const inspect = await docker.getContainer(c.Id).inspect();
      const bindings = inspect.NetworkSettings.Ports['8080/tcp'] ?? [];
      assert.ok(bindings.length > 0, `${service} publishes 8080`);
      for (const b of bindings) assert.equal(b.HostIp, '127.0.0.1', `${service} is bound to 127.0.0.1 only`);
      const reply = await httpGet(Number(bindings[0].HostPort));
      assert.equal(reply.status, 200);
      assert.equal(reply.body.trim(), service === 'web' ? 'web ok <- store ok' : 'store ok');
    }
  });

  it('removes containers, network, volume and built images with `compose down -v --rmi local`', async () => {
    // --rmi local: the images are tagged per project name; the engine's data-root persists between runs.
    await compose('down', '-v', '--rmi', 'local', '--timeout', '5');
    assert.deepEqual(await projectContainers(), []);
    const images = await docker.listImages({ filters: { reference: [`${project}-*`] } });
    assert.deepEqual(
      images.map((i) => i.RepoTags),
      [],
    );
    const networks = await docker.listNetworks({ filters: { label: [label] } });
    assert.deepEqual(
      networks.map((n) => n.Name),
      [],
    );
    const { Volumes: volumes } = await docker.listVolumes({ filters: { label: [label] } });
    assert.deepEqual(
      (volumes ?? []).map((v) => v.Name),
      [],
    );
  });

  it('goes away with stopDaemon and comes back with startDaemon (same data)', async () => {
    const [command, ...args] = extra.control;
    await exec(command, [...args, 'stop-daemon']);
    await assert.rejects(docker.ping(), 'the API is gone while the daemon is stopped');
    await exec(command, [...args, 'start-daemon']);
    const restarted = readTestbed().docker;
    assert.ok(restarted && restarted.pids[0] !== info.pids[0], 'a new dockerd pid is recorded in the state');
    assert.equal(String(await docker.ping()), 'OK');
    await docker.getImage(info.baseImage).inspect(); // images survive the restart
  });
});
