import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveDockerEndpoint } from '../../src/clients/docker/endpoint';

function dockerConfigWithContext(current: string, contexts: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
  for (const [name, host] of Object.entries(contexts)) {
    const metaDir = path.join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    fs.mkdirSync(metaDir, { recursive: true });
    fs.writeFileSync(
      path.join(metaDir, 'meta.json'),
      JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
    );
  }
  return dir;
}

describe('Docker endpoint resolution', () => {
  const config = dockerConfigWithContext('colima', { colima: 'unix:///home/me/.colima/default/docker.sock', remote: 'tcp://10.1.2.3:2376' });
  after(() => fs.rmSync(config, { recursive: true, force: true }));

  it('prefers the archlab.docker.host setting', () => {
    const endpoint = resolveDockerEndpoint({ setting: 'tcp://127.0.0.1:2375', env: { DOCKER_HOST: 'unix:///x.sock' }, dockerConfigDir: config });
    assert.deepEqual(endpoint, { host: 'tcp://127.0.0.1:2375', source: 'setting archlab.docker.host' });
  });

  it('then DOCKER_HOST', () => {
    assert.deepEqual(resolveDockerEndpoint({ setting: ' ', env: { DOCKER_HOST: 'unix:///x.sock' }, dockerConfigDir: config }), {
      host: 'unix:///x.sock',
      source: 'DOCKER_HOST',
    });
  });

  it('then the current docker context, as the docker CLI stores it', () => {
    assert.deepEqual(resolveDockerEndpoint({ env: {}, dockerConfigDir: config }), {
      host: 'unix:///home/me/.colima/default/docker.sock',
      source: 'docker context "colima"',
    });
  });

  it('DOCKER_CONTEXT overrides the current context', () => {
    assert.equal(resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'remote' }, dockerConfigDir: config }).host, 'tcp://10.1.2.3:2376');
  });

  it('falls back to the platform default socket', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'archlab-docker-empty-'));
    try {
      assert.equal(resolveDockerEndpoint({ env: {}, dockerConfigDir: empty, platform: 'linux' }).host, 'unix:///var/run/docker.sock');
      assert.equal(resolveDockerEndpoint({ env: {}, dockerConfigDir: empty, platform: 'win32' }).host, 'npipe:////./pipe/docker_engine');
      assert.equal(resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'default' }, dockerConfigDir: config, platform: 'linux' }).source, 'the default socket');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
