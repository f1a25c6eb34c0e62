import * as assert from 'node:assert/strict';
import { shortMessage, UserFacingError } from '../../src/core/errors';

describe('error messages', () => {
  it('shows only the first non-empty line', () => {
    const error = new Error('\nconnect ECONNREFUSED 127.0.0.1:9092\n    at TCPConnectWrap.afterConnect');
    assert.equal(shortMessage(error), 'connect ECONNREFUSED 127.0.0.1:9092');
    assert.equal(shortMessage('plain text'), 'plain text');
    assert.equal(shortMessage(new Error('')), 'unknown error');
  });

  it('cuts very long lines', () => {
    const text = shortMessage(new Error('x'.repeat(1000)));
    assert.equal(text.length, 300);
    assert.ok(text.endsWith('...'));
  });

  it('keeps the actions and the cause of a user-facing error', () => {
    const cause = new Error('root');
    const error = new UserFacingError('Docker is not reachable', { actions: [{ title: 'Open Settings', command: 'x' }], cause });
    assert.equal(error.cause, cause);
    assert.equal(error.actions[0].title, 'Open Settings');
  });
});
