import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DockerAccess } from '../clients/docker/dockerAccess';
import { UserFacingError } from '../core/errors';
import { GRAFANA_PASSWORD_ENV, memoryBudget, memoryEnv, STACKS, type StackName } from '../core/stacks';
import type { ContainersModel } from '../models/containersModel';
import { describeProgress, groupHealth } from '../views/containers/containerPresentation';
import { readSettings } from './settingsProblems';

export interface StackCommandContext {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  docker: DockerAccess;
  containers: ContainersModel;
}

/** Compose file of a stack: the bundled one, or a per-stack override from archlab.stacks.composeFiles. */
export function composeFileOf(name: StackName, context: vscode.ExtensionContext): string {
  const override = readSettings().settings.stackComposeFiles[name];
  if (override) return path.isAbsolute(override) ? override : path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', override);
  return context.asAbsolutePath(STACKS[name].composeFile);
}

/** The Grafana admin password of a stack: generated once, kept in SecretStorage, never logged. */
async function grafanaPassword(context: vscode.ExtensionContext, name: StackName): Promise<string> {
  const key = `archlab.grafana.adminPassword.${name}`;
  let password = await context.secrets.get(key);
  if (!password) {
    password = crypto.randomBytes(18).toString('base64url');
    await context.secrets.store(key, password);
  }
  return password;
}

/** Compose needs the memory plan and the Grafana password for every command on the file (interpolation). */
async function composeTarget(ctx: StackCommandContext, name: StackName) {
  return {
    project: STACKS[name].composeProject,
    file: composeFileOf(name, ctx.extension),
    env: { ...memoryEnv(name, readSettings().settings.memoryProfile), [GRAFANA_PASSWORD_ENV]: await grafanaPassword(ctx.extension, name) },
  };
}

/** Refuses a start that cannot fit: the stack's memory limits against what Docker can give. */
async function checkMemory(ctx: StackCommandContext, name: StackName): Promise<void> {
  const profile = readSettings().settings.memoryProfile;
  const needMiB = memoryBudget(name, profile).totalMiB;
  const haveMiB = (await ctx.docker.client().memoryBytes()) / 2 ** 20;
  ctx.log.info(`${STACKS[name].title} (${profile} profile) may use ${(needMiB / 1024).toFixed(1)} GiB; Docker has ${(haveMiB / 1024).toFixed(1)} GiB`);
  if (haveMiB > 0 && needMiB > haveMiB) {
    throw new UserFacingError(
      `Not enough memory for ${STACKS[name].title} with the "${profile}" profile: it may use ${(needMiB / 1024).toFixed(1)} GiB, Docker has ${(haveMiB / 1024).toFixed(1)} GiB. Choose the "small" memory profile, stop the other stack, or give Docker more memory.`,
      {
        actions: [{ title: 'Choose Memory Profile', command: 'workbench.action.openSettings', args: ['archlab.memoryProfile'] }],
      },
    );
  }
}

async function ensureDocker(ctx: StackCommandContext): Promise<void> {
  await ctx.docker.client().ping();
  if (ctx.containers.current.kind !== 'ready') await ctx.containers.reconnect();
}

export async function startStack(ctx: StackCommandContext, name: StackName): Promise<void> {
  const stack = STACKS[name];
  ctx.log.info(`Start ${stack.title}: Docker at ${ctx.docker.endpoint().host} (from ${ctx.docker.endpoint().source})`);
  await ensureDocker(ctx);
  await ctx.containers.refresh();
  const existing = ctx.containers.containersOf(stack.composeProject);
  const { healthy, total } = groupHealth(existing);
  if (total > 0 && healthy === total) {
    void vscode.window.showInformationMessage(`Archlab: ${stack.title} is already running (${healthy}/${total} services healthy). Nothing to do.`);
    return;
  }
  if (!readSettings().settings.stackComposeFiles[name]) await checkMemory(ctx, name);
  const target = await composeTarget(ctx, name);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Starting ${stack.title}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let healthyCount = 0;
      await ctx.docker.compose().up(target, {
        build: true,
        signal: abort.signal,
        onOutput: (line) => ctx.log.trace(`[compose ${stack.composeProject}] ${line}`),
        onProgress: (p) => {
          if (p.phase === 'healthy') healthyCount += 1;
          const message = describeProgress(p, stack.composeProject);
          ctx.log.info(`${stack.title}: ${message}`);
          progress.report({ message: p.phase === 'healthy' ? `${message} (${healthyCount} healthy)` : message });
        },
      });
    },
  );
  await ctx.containers.refresh();
  const after = groupHealth(ctx.containers.containersOf(stack.composeProject));
  ctx.log.info(`${stack.title} is up: ${after.healthy}/${after.total} services healthy`);
  void vscode.window
    .showInformationMessage(`Archlab: ${stack.title} is up (${after.healthy}/${after.total} services healthy).`, 'Open Comparison', 'Open Grafana')
    .then((choice) => {
      if (choice === 'Open Comparison') void vscode.commands.executeCommand('archlab.openComparison');
      if (choice === 'Open Grafana') void vscode.commands.executeCommand('archlab.openGrafana', name);
    });
}

export async function stopStack(ctx: StackCommandContext, name: StackName, options: { removeVolumes?: boolean } = {}): Promise<void> {
  const stack = STACKS[name];
  await ensureDocker(ctx);
  // Every profile, so that jobs and extras stop too (compose leaves other profiles' containers running).
  const target = { ...(await composeTarget(ctx, name)), profiles: STACKS[name].profiles };
  const verb = options.removeVolumes ? 'Deleting the data of' : 'Stopping';
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${verb} ${stack.title}` }, async (progress) => {
    await ctx.docker.compose().down(target, {
      removeVolumes: options.removeVolumes,
      onOutput: (line) => ctx.log.trace(`[compose ${stack.composeProject}] ${line}`),
      onProgress: (p) => progress.report({ message: describeProgress(p, stack.composeProject) }),
    });
  });
  await ctx.containers.refresh();
  ctx.log.info(options.removeVolumes ? `${stack.title}: containers and volumes removed` : `${stack.title} stopped; its data (volumes) is kept`);
  void vscode.window.showInformationMessage(
    options.removeVolumes ? `Archlab: ${stack.title} and all its data were removed.` : `Archlab: ${stack.title} stopped. Its data is kept for the next start.`,
  );
}

export async function restartStack(ctx: StackCommandContext, name: StackName): Promise<void> {
  await stopStack(ctx, name);
  await startStack(ctx, name);
}

/** Returns true when the data was deleted (the user confirmed). */
export async function resetLabData(ctx: StackCommandContext, name?: StackName): Promise<boolean> {
  const picked =
    name ??
    (
      await vscode.window.showQuickPick(
        Object.values(STACKS).map((s) => ({ label: s.title, name: s.name })),
        { title: 'Reset the data of which stack?' },
      )
    )?.name;
  if (!picked) return false;
  const stack = STACKS[picked];
  const confirm = 'Delete Lab Data';
  const choice = await vscode.window.showWarningMessage(
    `Delete all data of the ${stack.title} stack?`,
    {
      modal: true,
      detail: `This removes the ${stack.composeProject} containers and volumes: Kafka topics, Cassandra views${picked === 'lambda' ? ', the HDFS master dataset' : ''} and Grafana state. It cannot be undone.`,
    },
    confirm,
  );
  if (choice !== confirm) return false;
  await stopStack(ctx, picked, { removeVolumes: true });
  return true;
}

export function requireStackName(value: unknown): StackName {
  if (value === 'lambda' || value === 'kappa') return value;
  throw new UserFacingError(`Unknown stack "${String(value)}": use lambda or kappa.`);
}
