/** Grafana's HTTP API, as much of it as Archlab reads: is a plugin installed? */
export type PluginState = 'installed' | 'missing' | 'unreachable';

export async function grafanaPluginState(
  baseUrl: string,
  pluginId: string,
  auth: { user: string; password: string },
  signal?: AbortSignal,
): Promise<PluginState> {
  const url = new URL(`api/plugins/${encodeURIComponent(pluginId)}/settings`, baseUrl);
  const authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  try {
    const response = await fetch(url, { headers: { authorization, accept: 'application/json' }, signal: signal ?? AbortSignal.timeout(5000) });
    await response.body?.cancel();
    if (response.ok) return 'installed';
    return response.status === 404 ? 'missing' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
