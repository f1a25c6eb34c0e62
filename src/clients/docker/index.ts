// Entry of the Docker bundle (dist/docker.js), loaded on first use through src/clients/bundles.ts.
export { ComposeCli } from './composeCli';
export type { ComposeProject, ComposeOptions } from './composeCli';
export { DockerodeClient } from './dockerodeClient';
