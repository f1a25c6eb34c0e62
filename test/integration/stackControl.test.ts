// Stack control against the real Docker engine of the test bed: the same client, compose and model code
// that "Archlab: Start Lambda/Kappa" and the Containers view use.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeCli } from '../../src/clients/docker/composeCli';
import type { ComposeProgress } from '../../src/clients/docker/composeOutput';
import { DockerodeClient } from '../../src/clients/docker/dockerodeClient';
import type { ContainerSummary } from '../../src/clients/docker/types';
import { UserFacingError } from '../../src/core/errors';
import { ContainersModel, type ContainersState } from '../../src/services/containers';
import { serviceUiUrl } from '../../src/services/stacks';
import { groupHealth } from '../../src/services/stacks';
import { containerIcon } from '../../src/views/containers/containerPresentation';
import { repoRoot } from '../support/scriptHelpers';
import { requireService } from '../support/testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('stack control on the real Docker engine', function () {
  this.timeout(300_000);
  const docker = requireService('docker');
  const endpoint = { host: docker.host, source: 'the test bed' };
  const dockerCli = String(docker.extra?.dockerCli ?? 'docker');
  const compose = new ComposeCli(endpoint, { ...process.env, DOCKER_CONFIG: docker.dockerConfig });
  const client = new DockerodeClient(endpoint);
  // A fixed name, so the images it builds are reused from the engine's cache on the next run.
  const project = 'archlab-test-stack-control';
  const target = { project, file: path.join(repoRoot, 'test', 'fixtures', 'stacks', 'mini', 'compose.yaml') };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let model: ContainersModel;
  const service = (name: string): ContainerSummary | undefined => model.containersOf(project).find((c) => c.service === name);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    model = new ContainersModel(() => client, { isLabProject: (p) => p === project, debounceMs: 100, reconnectMs: 500, statsIntervalMs: 1000 });
    await model.start();
    assert.equal(model.current.kind, 'ready');
  });

  after(async () => {
    model.dispose();
    await compose.down(target, { removeVolumes: true, dockerCli }).catch(() => undefined);
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  it('starts a project with --wait, reporting each phase by service', async () => {
    const progress: ComposeProgress[] = [];
    await compose.up(target, { dockerCli, build: true, onProgress: (p) => progress.push(p) });
    const phases = new Set(progress.map((p) => p.phase));
    for (const phase of ['creating', 'starting', 'healthy'] as const) assert.ok(phases.has(phase), `saw phase ${phase}: ${[...phases].join(', ')}`);
    const healthy = progress.filter((p) => p.phase === 'healthy').map((p) => p.subject ?? '');
    assert.ok(healthy.some((s) => s.includes('store')) && healthy.some((s) => s.includes('spark-master')), `healthy: ${healthy.join(', ')}`);
  });

  it('models the project from the events stream: health, one-shot, ports on 127.0.0.1, web UI', async () => {
    await until(
      'both services healthy and init done in the model',
      () => service('store')?.health === 'healthy' && service('spark-master')?.health === 'healthy' && service('init')?.state === 'exited',
    );
    const containers = model.containersOf(project);
    assert.deepEqual(containers.map((c) => c.service).sort(), ['init', 'spark-master', 'store']);
    assert.deepEqual(groupHealth(containers), { healthy: 2, total: 2 }, 'the one-shot init is not counted');
    assert.equal(containerIcon(service('init')!).id, 'check', 'a one-shot that exited 0 shows as done');
    assert.equal(containerIcon(service('store')!).id, 'pass-filled');
    for (const c of containers.filter((x) => !x.oneShot)) {
      assert.equal(c.ports.length, 1);
      assert.equal(c.ports[0].hostIp, '127.0.0.1');
    }
    const ui = serviceUiUrl(service('spark-master')!);
    assert.ok(ui, 'spark-master has a web UI link');
    assert.match(await (await fetch(ui)).text(), /web ok <- store ok/);
    assert.equal(serviceUiUrl(service('store')!), undefined);
  });

  it('reads CPU and memory of running containers', async () => {
    const stats = await until(
      'stats in the model',
      () => {
        const state = model.current;
        return state.kind === 'ready' ? state.stats.get(service('store')!.id) : undefined;
      },
      30_000,
    );
    assert.ok(stats.memoryBytes > 0);
    assert.equal(stats.memoryLimitBytes, 64 * 1024 * 1024, 'the compose mem_limit');
  });

  it("streams a container's logs, history and live lines", async () => {
    const history: string[] = [];
    const done = await client.followLogs(service('init')!.id, (line) => history.push(line));
    await until("the init container's output", () => history.includes('schema applied'), 10_000);
    done.dispose();
    const live: string[] = [];
    const following = await client.followLogs(service('store')!.id, (line) => live.push(line), { tail: 0 });
    try {
      await fetch(serviceUiUrl({ ...service('store')!, service: 'spark-master' })!); // store logs each request it serves
      await until('a live log line', () => live.some((l) => /GET/.test(l)), 10_000);
    } finally {
      following.dispose();
    }
  });

  it('reflects a container stopped and started through the API (events-driven refresh, median of 20)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const id = service('spark-master')!.id;
      await client.stop(id);
      const stopped = Date.now();
      await until('spark-master exited in the model', () => service('spark-master')?.state === 'exited', 10_000);
      latencies.push(Date.now() - stopped);
      await client.start(id);
      await until('spark-master running again', () => service('spark-master')?.state === 'running', 10_000);
    }
    latencies.sort((a, b) => a - b);
    console.log(`      events-driven refresh after a stop: median ${latencies[10]} ms, min ${latencies[0]} ms, max ${latencies[19]} ms (debounce 100 ms)`);
    assert.ok(latencies[10] < 5_000);
  });

  it('stops the project and keeps its volume (data survives stop/start)', async () => {
    await compose.down(target, { dockerCli });
    await until('no containers in the model', () => model.containersOf(project).length === 0, 30_000);
    const volumes = execFileSync(dockerCli, ['volume', 'ls', '--format', '{{.Name}}'], { env: { ...process.env, DOCKER_HOST: docker.host } }).toString();
    assert.match(volumes, new RegExp(`${project}_store-data`));
  });

  it('a port already taken fails with an actionable message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-port-'));
    const file = path.join(dir, 'compose.yaml');
    fs.writeFileSync(file, `services:\n  taken:\n    image: local/debian:bookworm\n    command: ["sleep", "infinity"]\n    ports: ["127.0.0.1:${port}:80"]\n`);
    const portTarget = { project: `${project}-port`, file };
    try {
      const error = await compose.up(portTarget, { dockerCli, waitTimeoutS: 30 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof UserFacingError, `expected an actionable error, got ${String(error)}`);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    } finally {
      blocker.close();
      await compose.down(portTarget, { dockerCli }).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong Docker host gives an unreachable state with a clear message, then keeps retrying', async () => {
    const bogus = new DockerodeClient({ host: `unix://${path.join(os.tmpdir(), `archlab-nowhere-${process.pid}.sock`)}`, source: 'DOCKER_HOST' });
    const states: ContainersState[] = [];
    const broken = new ContainersModel(() => bogus, { isLabProject: () => true, reconnectMs: 200 });
    broken.onDidChange((s) => states.push(s));
    try {
      await broken.start();
      assert.equal(broken.current.kind, 'unreachable');
      assert.match((broken.current as { message: string }).message, /no Docker socket there\. Is Docker installed and running\?/);
      await sleep(700);
      assert.ok(states.filter((s) => s.kind === 'unreachable').length >= 2, 'it retried');
    } finally {
      broken.dispose();
    }
  });
});
