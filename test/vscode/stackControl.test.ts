// "Archlab: Start Kappa" through the real command, against the test bed's Docker engine, with the stack
// pointed at a small test compose file (archlab.stacks.composeFiles): same code path as the bundled stacks.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ArchlabApi } from '../../src/extension';
import type { ContainersState } from '../../src/services/containers';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, api: ArchlabApi, probe: (state: ContainersState) => boolean, timeoutMs = 60_000): Promise<ContainersState> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = api.containers();
    if (probe(state)) return state;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(api.containers()).slice(0, 500)}`);
}

const kappa = (state: ContainersState) => (state.kind === 'ready' ? state.containers.filter((c) => c.project === 'archlab-kappa') : []);

describe('stack control from VS Code (real Docker engine)', function () {
  this.timeout(240_000);
  let api: ArchlabApi;

  before(async function () {
    if (!process.env.DOCKER_HOST) throw new Error("DOCKER_HOST is not set: run through `npm run test:vscode`, which starts the test bed's Docker engine");
    api = await vscode.extensions.getExtension<ArchlabApi>('archlab.archlab')!.activate();
    await vscode.workspace
      .getConfiguration('archlab')
      .update('stacks.composeFiles', { kappa: path.join(repoRoot, 'test', 'fixtures', 'stacks', 'mini', 'compose.yaml') }, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('archlab.stopKappa');
    await vscode.workspace.getConfiguration('archlab').update('stacks.composeFiles', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Start Kappa brings the stack up and the containers model shows it healthy', async () => {
    await vscode.commands.executeCommand('archlab.startKappa');
    const state = await until('kappa healthy', api, (s) => kappa(s).filter((c) => c.health === 'healthy').length === 2);
    assert.deepEqual(
      kappa(state)
        .map((c) => c.service)
        .sort(),
      ['init', 'spark-master', 'store'],
    );
    for (const c of kappa(state).filter((x) => !x.oneShot)) assert.ok(c.ports.every((p) => p.hostIp === '127.0.0.1'));
  });

  it('starting a stack that is already up changes nothing', async () => {
    const before = kappa(api.containers())
      .map((c) => c.id)
      .sort();
    await vscode.commands.executeCommand('archlab.startKappa');
    assert.deepEqual(
      kappa(api.containers())
        .map((c) => c.id)
        .sort(),
      before,
    );
  });

  it('stopping a container from its tree item shows in the model (events stream), and it starts again', async () => {
    const store = kappa(api.containers()).find((c) => c.service === 'spark-master')!;
    await vscode.commands.executeCommand('archlab.container.stop', { kind: 'container', container: store });
    await until('spark-master exited', api, (s) => kappa(s).find((c) => c.id === store.id)?.state === 'exited', 20_000);
    await vscode.commands.executeCommand('archlab.container.start', { kind: 'container', container: store });
    await until('spark-master running', api, (s) => kappa(s).find((c) => c.id === store.id)?.state === 'running', 20_000);
  });

  it('Stop Kappa removes the containers and the model follows', async () => {
    await vscode.commands.executeCommand('archlab.stopKappa');
    await until('no kappa containers', api, (s) => kappa(s).length === 0, 60_000);
  });
});
