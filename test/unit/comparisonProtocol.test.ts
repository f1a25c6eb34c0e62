import * as assert from 'node:assert/strict';
import { isHostToPage, isPageToHost } from '../../src/panels/protocol';

describe('comparison panel protocol', () => {
  it("accepts the page's messages and rejects anything else", () => {
    for (const message of [
      { type: 'ready' },
      { type: 'refresh' },
      { type: 'export' },
      { type: 'clearSeries' },
      { type: 'openStack', stack: 'kappa' },
      { type: 'charts', requestId: 1, charts: { counts: 'data:image/png;base64,AA==' }, windowMs: null },
    ]) {
      assert.ok(isPageToHost(message), JSON.stringify(message));
    }
    for (const message of [
      null,
      'ready',
      {},
      { type: 'eval' },
      { type: 'openStack', stack: 'other' },
      { type: 'charts', requestId: '1', charts: {}, windowMs: null },
      { type: 'charts', requestId: 1, charts: null, windowMs: null },
    ]) {
      assert.equal(isPageToHost(message), false, JSON.stringify(message));
    }
  });

  it("recognises the host's messages", () => {
    assert.ok(isHostToPage({ type: 'snapshot' }));
    assert.ok(isHostToPage({ type: 'collectCharts', requestId: 2 }));
    assert.equal(isHostToPage({ type: 'ready' }), false);
    assert.equal(isHostToPage(undefined), false);
  });
});
