import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pingDocker, requestOptionsFor } from '../../src/clients/docker/ping';
import { UserFacingError } from '../../src/core/errors';
import { closedPort } from '../support/ports';

async function expectUserError(promise: Promise<unknown>, pattern: RegExp): Promise<UserFacingError> {
  const error = await promise.then(
    () => assert.fail('expected the ping to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UserFacingError, `expected a UserFacingError, got ${String(error)}`);
  assert.match(error.message, pattern);
  assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace in the message');
  assert.ok(error.actions.some((a) => a.title === 'Configure Docker Host'));
  return error;
}

describe('Docker ping errors (real sockets, no daemon)', () => {
  it('a missing socket says Docker is not installed or not running', async () => {
    const socket = path.join(os.tmpdir(), `archlab-no-docker-${process.pid}.sock`);
    await expectUserError(
      pingDocker({ host: `unix://${socket}`, source: 'DOCKER_HOST' }),
      /not reachable at unix:.* \(from DOCKER_HOST\): no Docker socket there\. Is Docker installed and running\?/,
    );
  });

  it('a refused TCP connection says the daemon is not running', async () => {
    const port = await closedPort();
    await expectUserError(
      pingDocker({ host: `tcp://127.0.0.1:${port}`, source: 'setting archlab.docker.host' }),
      /connection was refused: the Docker daemon is not running/,
    );
  });

  it('an endpoint that does not answer HTTP in time times out with a message', async () => {
    const server = net.createServer(() => {
      /* accept and stay silent */
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expectUserError(pingDocker({ host: `tcp://127.0.0.1:${port}`, source: 'DOCKER_HOST' }, 300), /no answer within a few seconds/);
    } finally {
      server.close();
    }
  });

  it('an unsupported scheme is refused with the list of supported ones', () => {
    assert.throws(() => requestOptionsFor('ftp://example'), /only unix:\/\/, npipe:\/\/ and tcp:\/\//);
    assert.deepEqual(requestOptionsFor('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
    assert.deepEqual(requestOptionsFor('tcp://[::1]:2375'), { host: '::1', port: 2375 });
  });
});
