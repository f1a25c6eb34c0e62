// The YARN ResourceManager's REST API (ws/v1), behind our own types: the running applications and their proxied UI.

export interface YarnApp {
  id: string;
  name: string;
  state: string;
  /** The application's UI through the ResourceManager's proxy, e.g. http://resourcemanager:8088/proxy/application_…/ */
  trackingUrl?: string;
}

/** The running applications of a ResourceManager (`restBase`: http://host:8088/ws/v1). */
export async function runningYarnApps(restBase: string, timeoutMs = 3000): Promise<YarnApp[]> {
  const response = await fetch(`${restBase}/cluster/apps?states=RUNNING`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`YARN answered ${response.status} at ${restBase}`);
  const body = (await response.json()) as { apps?: { app?: { id: string; name: string; state: string; trackingUrl?: string }[] } | null };
  return (body.apps?.app ?? []).map(({ id, name, state, trackingUrl }) => ({ id, name, state, trackingUrl }));
}
