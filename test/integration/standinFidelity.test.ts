// The stand-in images (test/stacks/standins.ts) behave like the official images where the lab's compose files
// depend on them: each point of test/stacks/README.md that a first Start Lambda on the official images would trip
// over, run on the test bed's real Docker engine. The compose side of each point (commands as single words, a /data
// on every Hadoop service, the YARN bind hosts) is checked by test/unit/stacks.test.ts; the whole stacks come up
// through Start Lambda / Start Kappa in test/vscode/labJourney.test.ts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { IMAGES } from '../../src/core/stacks';
import { loadCompose, repoRoot, withDefaults } from '../stacks/model';
import { docker, dockerBed, ensureStandinImages } from '../stacks/standins';

const logDir = path.join(process.env.ARCHLAB_TESTBED_DIR ?? path.join(repoRoot, '.testbed'), 'stacks');
const NETWORK = 'archlab-fidelity-it';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('stand-in images behave like the official ones where the compose files depend on it (real Docker engine)', function () {
  this.timeout(600_000);
  const bed = dockerBed();
  const started: string[] = [];

  const outcome = (args: string[]): Promise<Outcome> =>
    docker(bed, args).then(
      (r) => ({ code: 0, ...r }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: typeof e.code === 'number' ? e.code : -1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }),
    );
  const detached = async (name: string, args: string[]) => {
    await outcome(['rm', '--force', name]);
    started.push(name);
    await docker(bed, ['run', '--detach', '--name', name, '--hostname', name, '--network', NETWORK, ...args]);
  };
  const inside = (name: string, script: string) => outcome(['exec', name, 'bash', '-c', script]);
  const describeContainer = async (name: string) =>
    (await outcome(['logs', '--tail', '30', name])).stdout + (await outcome(['logs', '--tail', '30', name])).stderr;

  before(async () => {
    await ensureStandinImages(bed, logDir);
    await outcome(['network', 'create', NETWORK]);
  });

  after(async () => {
    for (const name of started) await outcome(['rm', '--force', name]);
    await outcome(['network', 'rm', NETWORK]);
  });

  it("hadoop: the starter runs its command as an unquoted $@, like the official one (so `bash -c 'exit 3'` exits 0)", async () => {
    const viaStarter = await outcome(['run', '--rm', '--tmpfs', '/data', IMAGES.hadoop, 'bash', '-c', 'exit 3']);
    assert.equal(viaStarter.code, 0, `split into "bash -c exit 3": exit's status is 0 (${viaStarter.stderr})`);
    const echoed = await outcome(['run', '--rm', '--tmpfs', '/data', IMAGES.hadoop, 'bash', '-c', 'echo two words']);
    assert.equal(echoed.stdout, '\n', '"echo" alone ran: the words became $0 and $1');
    const direct = await outcome(['run', '--rm', '--tmpfs', '/data', '--entrypoint', 'bash', IMAGES.hadoop, '-c', 'exit 3']);
    assert.equal(direct.code, 3, 'without the starter the same command keeps its status: the split is the starter’s');
  });

  it('hadoop: a service without /data fails in the starter (`sudo chmod o+rwx /data` under set -e)', async () => {
    const bare = await outcome(['run', '--rm', IMAGES.hadoop, 'echo', 'reached the command']);
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /chmod.*\/data/);
    assert.doesNotMatch(bare.stdout, /reached the command/);
    const withTmpfs = await outcome(['run', '--rm', '--tmpfs', '/data', IMAGES.hadoop, 'echo', 'reached the command']);
    assert.equal(withTmpfs.code, 0);
    assert.match(withTmpfs.stdout, /reached the command/);
  });

  it('yarn: the ResourceManager web UI binds to yarn.resourcemanager.hostname, so localhost is refused unless bind-host is 0.0.0.0', async () => {
    // The lab's own ResourceManager environment, without its bind-host lines, then with them.
    const labEnv = Object.entries(loadCompose('lambda').services.resourcemanager.environment ?? {}).filter(([key]) => !key.endsWith('.bind-host'));
    const rm = (name: string, extra: string[]) =>
      detached(name, [
        '--tmpfs',
        '/data',
        '--memory',
        '512m',
        ...labEnv.flatMap(([key, value]) => ['--env', `${key}=${withDefaults(String(value))}`]),
        '--env',
        `YARN-SITE.XML_yarn.resourcemanager.hostname=${name}`,
        ...extra,
        IMAGES.hadoop,
        'yarn',
        'resourcemanager',
      ]);
    const plain = 'archlab-fidelity-rm';
    const bound = 'archlab-fidelity-rm-bound';
    await rm(plain, []);
    await rm(bound, ['--env', 'YARN-SITE.XML_yarn.resourcemanager.bind-host=0.0.0.0']);
    const info = (name: string, host: string) => inside(name, `curl -fsS --max-time 5 http://${host}:8088/ws/v1/cluster/info`);
    for (const name of [plain, bound]) {
      await waitFor(`the ResourceManager ${name} on its own address`, async () => {
        const r = await info(name, name);
        if (r.code === 0 && r.stdout.includes('"STARTED"')) return true;
        const state = await outcome(['inspect', '--format', '{{.State.Status}}', name]);
        if (state.stdout.trim() !== 'running') throw new Error(`${name} exited:\n${await describeContainer(name)}`);
        return undefined;
      });
    }
    const refused = await info(plain, 'localhost');
    assert.equal(refused.code, 7, `curl: connection refused on localhost (${refused.stderr.trim()})`);
    const answered = await info(bound, 'localhost');
    assert.equal(answered.code, 0, answered.stderr);
    assert.match(answered.stdout, /"state":"STARTED"/);
  });

  it("yarn: the NodeManager reports itself unhealthy when its disk is fuller than the threshold, healthy at the lab's", async () => {
    // The ResourceManager of the test above (bind-host 0.0.0.0) takes the NodeManagers' registrations.
    const labEnv = Object.entries(loadCompose('lambda').services.nodemanager.environment ?? {}).map(([key, value]) => [key, withDefaults(String(value))]);
    const threshold = 'YARN-SITE.XML_yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage';
    const used = await outcome(['run', '--rm', '--tmpfs', '/data', IMAGES.hadoop, 'df', '--output=pcent', '/tmp']);
    const usedPercent = Number(/(\d+)%/.exec(used.stdout)?.[1] ?? NaN);
    assert.ok(usedPercent >= 1, `this Docker disk is ${usedPercent} % used: a threshold below that marks the node unhealthy (df: ${used.stdout})`);
    const nm = (name: string, percent: string) =>
      detached(name, [
        '--tmpfs',
        '/data',
        '--memory',
        '512m',
        ...labEnv.flatMap(([key, value]) => ['--env', `${key}=${key === threshold ? percent : value}`]),
        '--env',
        'YARN-SITE.XML_yarn.resourcemanager.hostname=archlab-fidelity-rm-bound',
        IMAGES.hadoop,
        'yarn',
        'nodemanager',
      ]);
    const full = 'archlab-fidelity-nm-full';
    const lab = 'archlab-fidelity-nm-lab';
    await nm(full, String(Math.max(0.5, usedPercent - 1)));
    await nm(lab, String(labEnv.find(([key]) => key === threshold)?.[1]));
    const health = async (name: string) => {
      const r = await inside(name, 'curl -fsS --max-time 5 http://localhost:8042/ws/v1/node/info');
      if (r.code !== 0) return undefined;
      const info = JSON.parse(r.stdout) as { nodeInfo: { nodeHealthy: boolean; healthReport: string } };
      // The disk checker's first verdict arrives a moment after the web UI.
      return info.nodeInfo.nodeHealthy && name === full ? undefined : info.nodeInfo;
    };
    const unhealthy = await waitFor('the NodeManager on a disk over its threshold to say so', () => health(full));
    assert.equal(unhealthy.nodeHealthy, false);
    assert.match(unhealthy.healthReport, /local-dirs|log-dirs/i);
    const healthy = await waitFor("the NodeManager with the lab's threshold", () => health(lab));
    assert.equal(healthy.nodeHealthy, true, healthy.healthReport);
  });

  it('cassandra: the JVM pre-touches its whole heap (-XX:+AlwaysPreTouch): the container holds MAX_HEAP_SIZE from the start', async () => {
    const name = 'archlab-fidelity-cassandra';
    await detached(name, ['--memory', '1152m', '--env', 'MAX_HEAP_SIZE=512M', '--env', 'HEAP_NEWSIZE=128M', IMAGES.cassandra]);
    const flags = await waitFor(
      'the Cassandra JVM',
      async () => {
        const r = await inside(
          name,
          'for p in /proc/[0-9]*; do if tr "\\0" " " < $p/cmdline 2>/dev/null | grep -q CassandraDaemon; then tr "\\0" "\\n" < $p/cmdline; exit 0; fi; done; exit 1',
        );
        return r.code === 0 ? r.stdout.split('\n') : undefined;
      },
      120_000,
    );
    assert.ok(flags.includes('-XX:+AlwaysPreTouch'), 'the official JVM options pre-touch the heap');
    assert.ok(flags.includes('-Xmx512M') && flags.includes('-Xms512M'), 'MAX_HEAP_SIZE sets both -Xms and -Xmx');
    // Once the daemon logs its start-up, the heap has been touched: the cgroup already charges all of it.
    await waitFor('Cassandra to finish starting', async () =>
      /Startup complete|Starting listening for CQL/.test((await outcome(['logs', name])).stdout) ? true : undefined,
    );
    const usage = await inside(name, 'cat /sys/fs/cgroup/memory.current 2>/dev/null || cat /sys/fs/cgroup/memory/memory.usage_in_bytes');
    assert.equal(usage.code, 0, usage.stderr);
    const mib = Number(usage.stdout.trim()) / 2 ** 20;
    assert.ok(mib >= 512, `the container holds at least the 512 MiB heap (${mib.toFixed(0)} MiB)`);
  });
});
