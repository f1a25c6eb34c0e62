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
