// The lab's compose files through the real `docker compose` v2 of the test bed (`compose config`): both files are
// accepted with every profile, the normalized model keeps the properties the stacks promise (127.0.0.1 ports,
// healthchecks, memory limits, pinned images, named volumes), the memory profiles reach the limits, the Grafana
// password is required, and the two projects can be up at the same time (distinct names, networks, ports).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GRAFANA_PASSWORD_ENV, STACK_NAMES, STACKS, memoryEnv, parseMemory, type MemoryProfile, type StackName } from '../../src/core/stacks';
import { composePath } from '../stacks/model';
import { dockerBed } from '../stacks/standins';

const exec = promisify(execFile);

interface NormalizedService {
  image: string;
  ports?: { host_ip?: string; published?: string; target: number }[];
  healthcheck?: { test: string[]; disable?: boolean };
  mem_limit?: string | number;
  restart?: string;
  profiles?: string[];
  deploy?: { replicas?: number };
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  environment?: Record<string, string | null>;
}

interface NormalizedProject {
  name: string;
  services: Record<string, NormalizedService>;
  volumes?: Record<string, { name: string }>;
  networks?: Record<string, { name: string }>;
}

describe('lab stacks through `docker compose config` (compose v2 of the test bed)', function () {
  this.timeout(120_000);
  const bed = dockerBed();

  async function config(stack: StackName, env: Record<string, string> = {}, extra: string[] = []): Promise<NormalizedProject> {
    const { stdout } = await exec(bed.cli, ['compose', '--file', composePath(stack), '--profile', '*', ...extra, 'config', '--format', 'json'], {
      env: { ...bed.env, [GRAFANA_PASSWORD_ENV]: 'not-a-real-password', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as NormalizedProject;
  }

  it('reports compose v2', async () => {
    const { stdout } = await exec(bed.cli, ['compose', 'version', '--short'], { env: bed.env });
    assert.match(stdout.trim(), /^v?2\.\d+/);
  });

  for (const name of STACK_NAMES) {
    describe(`${name}: ${STACKS[name].composeFile}`, () => {
      let project: NormalizedProject;
      before(async () => {
        project = await config(name);
      });

      it('is accepted (`config --quiet` exits 0) and names the project', async () => {
        await exec(bed.cli, ['compose', '--file', composePath(name), '--profile', '*', 'config', '--quiet'], {
          env: { ...bed.env, [GRAFANA_PASSWORD_ENV]: 'x' },
        });
        assert.equal(project.name, STACKS[name].composeProject);
        assert.deepEqual(Object.keys(project.services).sort(), STACKS[name].services.map((s) => s.name).sort());
      });

      it('publishes every port on 127.0.0.1, gives every long-running service a healthcheck and a memory limit, pins every image', () => {
        for (const [service, s] of Object.entries(project.services)) {
          for (const p of s.ports ?? []) assert.equal(p.host_ip, '127.0.0.1', `${service}:${p.published}`);
          assert.ok(Number(s.mem_limit) > 0, `${service} mem_limit`);
          assert.match(s.image, /:(v?\d+\.\d+\.\d+)/, `${service} image ${s.image}`);
          assert.doesNotMatch(s.image, /bitnami|:latest$/);
          if (s.restart === 'no') continue;
          assert.ok(s.healthcheck && !s.healthcheck.disable && s.healthcheck.test.length > 1, `${service} healthcheck`);
        }
      });

      it('keeps Kafka, Cassandra (and HDFS) data in named volumes of the project', () => {
        const volumeOf = (service: string, target: string) => project.services[service].volumes?.find((v) => v.target === target);
        for (const [service, target] of [
          ['kafka', '/var/lib/kafka/data'],
          ['cassandra', '/var/lib/cassandra'],
          ...(name === 'lambda'
            ? [
                ['namenode', '/data'],
                ['datanode', '/data'],
              ]
            : []),
        ]) {
          const v = volumeOf(service, target);
          assert.equal(v?.type, 'volume', `${service} ${target}`);
          assert.equal(project.volumes?.[v.source]?.name, `${STACKS[name].composeProject}_${v.source}`);
        }
      });

      it('turns each memory profile into the limits, heaps and worker count of the catalog', async () => {
        for (const profile of ['small', 'standard', 'large'] as MemoryProfile[]) {
          const env = memoryEnv(name, profile);
          const p = await config(name, env);
          for (const s of STACKS[name].services) {
            if (!('env' in s.memory)) continue;
            assert.equal(Number(p.services[s.name].mem_limit), parseMemory(env[s.memory.env]) * 1024 * 1024, `${profile}: ${s.name}`);
          }
          assert.equal(p.services['spark-worker'].deploy?.replicas, Number(env.ARCHLAB_SPARK_WORKERS));
          assert.equal(p.services.kafka.environment?.KAFKA_HEAP_OPTS, `-Xms${env.ARCHLAB_KAFKA_HEAP} -Xmx${env.ARCHLAB_KAFKA_HEAP}`);
          assert.equal(p.services['spark-worker'].environment?.SPARK_WORKER_MEMORY, env.ARCHLAB_SPARK_WORKER_MEMORY);
        }
      });

      it(`refuses to run without ${GRAFANA_PASSWORD_ENV} (never admin/admin)`, async () => {
        const env = { ...bed.env };
        delete env[GRAFANA_PASSWORD_ENV];
        await assert.rejects(exec(bed.cli, ['compose', '--file', composePath(name), 'config', '--quiet'], { env }), (error: Error & { stderr?: string }) =>
          new RegExp(GRAFANA_PASSWORD_ENV).test(error.stderr ?? error.message),
        );
        assert.equal(project.services.grafana.environment?.GF_SECURITY_ADMIN_PASSWORD, 'not-a-real-password');
      });
    });
  }

  it('lets lambda and kappa run side by side: distinct projects, networks, volumes and host ports', async () => {
    const [lambda, kappa] = await Promise.all([config('lambda'), config('kappa')]);
    assert.notEqual(lambda.name, kappa.name);
    const names = (p: NormalizedProject, key: 'volumes' | 'networks') => Object.values(p[key] ?? {}).map((v) => v.name);
    for (const key of ['volumes', 'networks'] as const) {
      const shared = names(lambda, key).filter((n) => names(kappa, key).includes(n));
      assert.deepEqual(shared, [], `no shared ${key}`);
    }
    const ports = (p: NormalizedProject) => Object.values(p.services).flatMap((s) => (s.ports ?? []).map((x) => Number(x.published)));
    assert.deepEqual(
      ports(lambda).filter((x) => ports(kappa).includes(x)),
      [],
      'no shared host port',
    );
  });
});
