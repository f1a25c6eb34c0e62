import * as vscode from 'vscode';
import type { DockerAccess } from '../clients/docker/dockerAccess';
import { UserFacingError } from '../core/errors';
import type { Logger } from '../core/logger';
import { STACKS, type StackJob, type StackName } from '../core/stacks';
import type { JobsService } from '../services/jobs';
import { requireStackName, type StackService } from '../services/stacks';
import { openLogTerminal } from '../views/containers/logTerminal';
import type { PipelinesNode } from '../views/pipelines/pipelinesTree';

export interface JobCommandContext {
  jobs: JobsService;
  stacks: StackService;
  docker: DockerAccess;
  log: Logger;
  refresh: () => void;
}

/** The stack a command is about: its argument (a name or a tree node), the only running one, or one the user picks. */
export async function pickStack(stacks: StackService, arg: unknown, title: string): Promise<StackName | undefined> {
  if (typeof arg === 'string') return requireStackName(arg);
  const fromNode =
    (arg as { stack?: unknown; snapshot?: { stack: unknown } } | undefined)?.stack ?? (arg as { snapshot?: { stack: unknown } })?.snapshot?.stack;
  if (fromNode !== undefined) return requireStackName(fromNode);
  const running = stacks.running();
  if (running.length === 0) {
    throw new UserFacingError('No lab stack is running: start one first.', {
      actions: [
        { title: 'Start Lambda', command: 'archlab.startLambda' },
        { title: 'Start Kappa', command: 'archlab.startKappa' },
      ],
    });
  }
  if (running.length === 1) return running[0];
  return (
    await vscode.window.showQuickPick(
      running.map((name) => ({ label: STACKS[name].title, name })),
      { title },
    )
  )?.name;
}

function jobOf(node: unknown): { stack: StackName; job: StackJob } {
  const snapshot = (node as Extract<PipelinesNode, { kind: 'job' }> | undefined)?.snapshot;
  if (!snapshot) throw new UserFacingError('Pick a job in the Pipelines view.');
  return { stack: snapshot.stack, job: snapshot.job };
}

export function jobCommands(ctx: JobCommandContext): Record<string, (arg?: unknown) => Promise<unknown>> {
  const { jobs, stacks } = ctx;
  const withProgress = <T>(title: string, task: (report: (message: string, fraction?: number) => void, signal: AbortSignal) => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let done = 0;
      try {
        return await task((message, fraction) => {
          const increment = fraction === undefined ? undefined : Math.max(0, fraction * 100 - done);
          if (fraction !== undefined) done = fraction * 100;
          progress.report({ message, increment });
        }, abort.signal);
      } finally {
        ctx.refresh();
      }
    });

  return {
    'archlab.startJobs': async (arg) => {
      const stack = await pickStack(stacks, arg, 'Start the jobs of which stack?');
      if (!stack) return;
      await withProgress(`Starting the ${STACKS[stack].title} jobs`, async (report, signal) => {
        await jobs.start(stack, undefined, { signal, onProgress: report });
        await jobs.waitRunning(stack, jobs.pipelineJobs(stack), { signal, onProgress: report });
      });
      void vscode.window.showInformationMessage(`Archlab: the ${STACKS[stack].title} jobs are running.`, 'Open Comparison').then((choice) => {
        if (choice) void vscode.commands.executeCommand('archlab.openComparison');
      });
    },
    'archlab.stopJobs': async (arg) => {
      const stack = await pickStack(stacks, arg, 'Stop the jobs of which stack?');
      if (!stack) return;
      await withProgress(`Stopping the ${STACKS[stack].title} jobs`, (report) => jobs.stop(stack, undefined, { onProgress: report }));
      void vscode.window.showInformationMessage(`Archlab: the ${STACKS[stack].title} jobs stopped; their views keep their counts.`);
    },
    'archlab.job.start': async (node) => {
      const { stack, job } = jobOf(node);
      await withProgress(`Starting ${job.title}`, (report, signal) => jobs.start(stack, [job], { signal, onProgress: report }));
    },
    'archlab.job.stop': async (node) => {
      const { stack, job } = jobOf(node);
      await withProgress(`Stopping ${job.title}`, (report) => jobs.stop(stack, [job], { onProgress: report }));
    },
    'archlab.job.restart': async (node) => {
      const { stack, job } = jobOf(node);
      await withProgress(`Restarting ${job.title}`, (report, signal) => jobs.restart(stack, job, { signal, onProgress: report }));
    },
    'archlab.job.showLogs': async (node) => {
      const { stack, job } = jobOf(node);
      await openLogTerminal(ctx.docker.client(), jobs.containerOf(stack, job), ctx.log);
    },
    'archlab.job.openSparkUi': async (node) => {
      const { stack, job } = jobOf(node);
      const url = (node as Extract<PipelinesNode, { kind: 'job' }>).snapshot.sparkUiUrl;
      if (!url) throw new UserFacingError(`${job.title} has no Spark UI right now: it is not a running Spark job.`);
      await vscode.env.openExternal(vscode.Uri.parse(url));
      ctx.log.info(`${STACKS[stack].title} ${job.title}: Spark UI at ${url}`);
    },
    'archlab.runBatchCycle': async () => {
      const result = await withProgress('Lambda batch cycle', (report, signal) => jobs.runBatchCycle({ signal, onProgress: report }));
      void vscode.window
        .showInformationMessage(
          result.published
            ? `Archlab: the batch layer published version ${result.version}; serving adds the speed layer's events since its cut-off.`
            : `Archlab: the batch cycle found nothing new below the cut-off; version ${result.version ?? '—'} stays.`,
          'Open Comparison',
        )
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('archlab.openComparison');
        });
      return result;
    },
    'archlab.replayKappa': async () => {
      const result = await withProgress('Kappa replay', (report, signal) => jobs.replayKappa({ signal, onProgress: report }));
      void vscode.window
        .showInformationMessage(
          `Archlab: kappa serves version ${result.to} now, replayed from offset 0 (it replaced version ${result.from}).`,
          'Open Comparison',
        )
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('archlab.openComparison');
        });
      return result;
    },
    'archlab.openKafkaUi': async (arg) => {
      const stack = await pickStack(stacks, arg, 'Open the Kafka UI of which stack?');
      if (!stack) return;
      const ui = STACKS[stack].uis.find((u) => u.id === 'kafka-ui');
      if (!ui) throw new UserFacingError(`${STACKS[stack].title} has no Kafka UI.`);
      const running = stacks.containersOf(stack).some((c) => c.service === ui.service && c.state === 'running' && c.health !== 'starting');
      if (!running)
        await withProgress(`Starting the Kafka UI of ${STACKS[stack].title}`, (report, signal) =>
          stacks.startServices(stack, [ui.service], { signal, onProgress: report }),
        );
      await vscode.env.openExternal(vscode.Uri.parse(ui.url));
    },
  };
}
