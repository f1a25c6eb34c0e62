import * as vscode from 'vscode';
import type { ContainerSummary } from '../clients/docker/types';
import { UserFacingError } from '../core/errors';
import type { DockerAccess } from '../clients/docker/dockerAccess';
import type { Logger } from '../core/logger';
import type { ContainersModel } from '../services/containers';
import { serviceUiUrl } from '../services/stacks';
import type { ContainersNode } from '../views/containers/containersTree';
import { openLogTerminal } from '../views/containers/logTerminal';

export interface ContainerCommandContext {
  docker: DockerAccess;
  containers: ContainersModel;
  log: Logger;
}

/** The container of a tree item, or one the user picks when the command comes from the palette. */
async function pickContainer(ctx: ContainerCommandContext, node: unknown, filter: (c: ContainerSummary) => boolean): Promise<ContainerSummary | undefined> {
  const fromTree = (node as ContainersNode | undefined)?.kind === 'container' ? (node as Extract<ContainersNode, { kind: 'container' }>).container : undefined;
  if (fromTree) return fromTree;
  await ctx.containers.refresh();
  const state = ctx.containers.current;
  if (state.kind === 'unreachable') throw new UserFacingError(`Docker is not reachable: ${state.message}`);
  const candidates = state.kind === 'ready' ? state.containers.filter(filter) : [];
  if (candidates.length === 0) throw new UserFacingError('No lab container fits this action. Start a stack first (Archlab: Start Lambda or Start Kappa).');
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.service ?? c.name, description: `${c.project} · ${c.status}`, container: c })),
    { title: 'Which container?' },
  );
  return picked?.container;
}

const running = (c: ContainerSummary) => c.state === 'running';
const stopped = (c: ContainerSummary) => c.state !== 'running';

export function containerCommands(ctx: ContainerCommandContext): Record<string, (node?: unknown) => Promise<void>> {
  const uiUrlOf = serviceUiUrl;
  const act = (verb: 'start' | 'stop' | 'restart', filter: (c: ContainerSummary) => boolean) => async (node?: unknown) => {
    const container = await pickContainer(ctx, node, filter);
    if (!container) return;
    await vscode.window.withProgress({ location: { viewId: 'archlab.containers' }, title: `${verb} ${container.name}` }, () =>
      ctx.docker.client()[verb](container.id),
    );
    ctx.log.info(`${verb} ${container.name}: done`);
  };
  return {
    'archlab.container.start': act('start', stopped),
    'archlab.container.stop': act('stop', running),
    'archlab.container.restart': act('restart', () => true),
    'archlab.container.showLogs': async (node) => {
      const container = await pickContainer(ctx, node, () => true);
      if (container) await openLogTerminal(ctx.docker.client(), container, ctx.log);
    },
    'archlab.container.openShell': async (node) => {
      const container = await pickContainer(ctx, node, running);
      if (!container) return;
      const terminal = vscode.window.createTerminal({
        name: `shell: ${container.service ?? container.name}`,
        shellPath: 'docker',
        shellArgs: ['exec', '-it', container.id, 'sh', '-c', 'if command -v bash >/dev/null; then exec bash; else exec sh; fi'],
        env: { DOCKER_HOST: ctx.docker.endpoint().host },
        iconPath: new vscode.ThemeIcon('terminal'),
      });
      terminal.show();
    },
    'archlab.container.openUi': async (node) => {
      const container = await pickContainer(ctx, node, (c) => running(c) && uiUrlOf(c) !== undefined);
      const url = container && uiUrlOf(container);
      if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };
}
