// Grafana has no binary reachable here, so a stand-in HTTP server (node:http) answers Grafana's plugin settings API
// (GET /api/plugins/<id>/settings: 200 when installed, 404 when not) as Grafana 12 does. What is checked is
// Archlab's side: it asks with the stack's admin password, waits while the background install runs, and tells
// "missing" from "unreachable".
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { GRAFANA_CASSANDRA_PLUGIN } from '../../src/core/stacks';
import { StackService, type StackServiceOptions } from '../../src/services/stacks';

function grafanaStandIn(installedAfter: number) {
  let requests = 0;
  const auth: string[] = [];
  const server = http.createServer((req, res) => {
    requests += 1;
    auth.push(req.headers.authorization ?? '');
    const known = req.url === `/api/plugins/${GRAFANA_CASSANDRA_PLUGIN.id}/settings`;
    const installed = known && requests > installedAfter;
    res.writeHead(installed ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      installed ? JSON.stringify({ id: GRAFANA_CASSANDRA_PLUGIN.id, info: { version: GRAFANA_CASSANDRA_PLUGIN.version } }) : '{"message":"Plugin not found"}',
    );
  });
  return new Promise<{ url: string; close: () => Promise<void>; requests: () => number; auth: string[] }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise((r) => server.close(() => r())),
        requests: () => requests,
        auth,
      }),
    ),
  );
}

describe("Grafana's Cassandra plugin check (stand-in Grafana HTTP server: no Grafana binary here)", () => {
  const secrets = new Map<string, string>([['archlab.grafana.adminPassword.lambda', 's3cret-pw']]);
  const service = new StackService({
    settings: () => DEFAULT_SETTINGS,
    secrets: { get: async (k: string) => secrets.get(k), store: async (k: string, v: string) => void secrets.set(k, v) },
    extensionRoot: '/ext',
  } as unknown as StackServiceOptions);

  it('waits while Grafana installs the plugin in the background, asking as admin with the stack password', async () => {
    const grafana = await grafanaStandIn(2);
    try {
      assert.equal(await service.grafanaPlugin('lambda', { baseUrl: grafana.url, intervalMs: 20, timeoutMs: 10_000 }), 'installed');
      assert.equal(grafana.requests(), 3);
      assert.ok(grafana.auth.every((a) => a === `Basic ${Buffer.from('admin:s3cret-pw').toString('base64')}`));
    } finally {
      await grafana.close();
    }
  });

  it('says "missing" when the plugin never arrives (no internet, or the version is not in the catalog)', async () => {
    const grafana = await grafanaStandIn(Number.POSITIVE_INFINITY);
    try {
      assert.equal(await service.grafanaPlugin('lambda', { baseUrl: grafana.url, intervalMs: 20, timeoutMs: 300 }), 'missing');
      assert.ok(grafana.requests() >= 2, 'it asked more than once before giving up');
    } finally {
      await grafana.close();
    }
  });

  it('says "unreachable" when nothing answers on the Grafana port', async () => {
    const grafana = await grafanaStandIn(0);
    const url = grafana.url;
    await grafana.close();
    assert.equal(await service.grafanaPlugin('lambda', { baseUrl: url, intervalMs: 20, timeoutMs: 100 }), 'unreachable');
  });
});
