// One Docker client per endpoint, created on first use from the Docker bundle; follows the settings.
import { dockerBundle } from '../bundles';
import type { ComposeCli } from './composeCli';
import { resolveDockerEndpoint, type DockerEndpoint } from './endpoint';
import type { DockerClient } from './types';

export class DockerAccess {
  private cached: { host: string; client: DockerClient; compose: ComposeCli } | undefined;

  constructor(
    private readonly hostSetting: () => string,
    private readonly settingName?: string,
  ) {}

  endpoint(): DockerEndpoint {
    return resolveDockerEndpoint({ setting: this.hostSetting(), settingName: this.settingName });
  }

  client(): DockerClient {
    return this.current().client;
  }

  compose(): ComposeCli {
    return this.current().compose;
  }

  private current() {
    const endpoint = this.endpoint();
    if (!this.cached || this.cached.host !== endpoint.host) {
      const bundle = dockerBundle();
      this.cached = { host: endpoint.host, client: new bundle.DockerodeClient(endpoint), compose: new bundle.ComposeCli(endpoint) };
    }
    return this.cached;
  }
}
