import * as vscode from 'vscode';
import type { ArchlabViews } from '../views/registerViews';
import { containerCommands, type UiUrlOf } from './containerCommands';
import { cassandraCommands } from './cassandraCommands';
import { generatorCommands, type GeneratorService } from './generatorCommands';
import { topicCommands } from './topicCommands';
import { registerCommand, SHOW_LOGS_COMMAND } from './registerCommand';
import { requireStackName, resetLabData, restartStack, startStack, stopStack, type StackCommandContext } from './stackCommands';

/** Every command Archlab contributes; package.json's contributes.commands must list exactly these. */
export function registerCommands(
  ctx: StackCommandContext,
  views: ArchlabViews,
  generator: GeneratorService,
  uiUrlOf: UiUrlOf,
  grafanaUrlOf: (stack: unknown) => string | undefined,
): void {
  const { log } = ctx;
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'archlab.startLambda': () => startStack(ctx, 'lambda'),
    'archlab.startKappa': () => startStack(ctx, 'kappa'),
    'archlab.stopLambda': () => stopStack(ctx, 'lambda'),
    'archlab.stopKappa': () => stopStack(ctx, 'kappa'),
    'archlab.restartLambda': () => restartStack(ctx, 'lambda'),
    'archlab.restartKappa': () => restartStack(ctx, 'kappa'),
    'archlab.resetLabData': async (stack) => {
      // The topics are gone with the data: the generator's recorded truth starts again from zero.
      if (await resetLabData(ctx, stack === undefined ? undefined : requireStackName(stack))) generator.forgetTruth();
    },
    'archlab.openGrafana': async (stack) => {
      const url = grafanaUrlOf(stack ?? 'lambda');
      if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
    },
    ...containerCommands(ctx, uiUrlOf),
    ...cassandraCommands(views.cassandra.source, log),
    ...topicCommands({ source: views.topics.source, tree: views.topics.tree, peeks: views.topics.peeks, log }),
    ...generatorCommands(generator),
    'archlab.configureConnections': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:archlab.archlab'),
    [SHOW_LOGS_COMMAND]: () => log.show(),
    'archlab.containers.refresh': () => views.refresh('containers'),
    'archlab.topics.refresh': () => views.refresh('topics'),
    'archlab.cassandra.refresh': () => views.refresh('cassandra'),
  };
  for (const [id, handler] of Object.entries(handlers)) registerCommand(ctx.extension, log, id, handler);
}
