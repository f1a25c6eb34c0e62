import * as vscode from 'vscode';
import { MAX_EVENTS_PER_SECOND } from '../core/settings';
import { STACKS, type StackName } from '../core/stacks';
import type { GeneratorService } from '../services/generator/generatorService';
import type { JobsService } from '../services/jobs';
import type { StackService } from '../services/stacks';
import { readSettings } from './settingsProblems';

export interface RunLabOptions {
  /** Skip the questions (tests, keybindings): which stacks, and the generator's rate and event count. */
  stacks?: StackName[];
  eventsPerSecond?: number;
  maxEvents?: number;
}

/**
 * "Archlab: Run the Lab…": the whole journey in one command: pick one stack or both, bring them up with their jobs,
 * wait for the jobs to run, start the generator at the chosen rate, open the comparison. Each phase shows in the
 * progress notification, and it can be cancelled.
 */
export function runLabCommand(stacks: StackService, jobs: JobsService, generator: GeneratorService): (arg?: unknown) => Promise<StackName[] | undefined> {
  return async (arg) => {
    const given = (arg && typeof arg === 'object' ? arg : {}) as RunLabOptions;
    const chosen =
      given.stacks ??
      (
        await vscode.window.showQuickPick(
          [
            { label: '$(layers) Both', description: 'Lambda and Kappa side by side, the same events to both', stacks: ['lambda', 'kappa'] as StackName[] },
            { label: '$(layers) Lambda', description: 'Kafka → HDFS + batch layer (YARN) and speed layer → serving', stacks: ['lambda'] as StackName[] },
            { label: '$(layers) Kappa', description: 'Kafka → one replayable stream', stacks: ['kappa'] as StackName[] },
          ],
          { title: 'Run the lab: which architecture?' },
        )
      )?.stacks;
    if (!chosen || chosen.length === 0) return undefined;
    let rate = given.eventsPerSecond;
    if (rate === undefined) {
      const value = await vscode.window.showInputBox({
        title: 'Run the lab: events per second',
        prompt: `The generator's rate (1–${MAX_EVENTS_PER_SECOND}; 0 = as fast as possible)`,
        value: String(readSettings().settings.generatorEventsPerSecond),
        validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= MAX_EVENTS_PER_SECOND ? undefined : `A whole number from 0 to ${MAX_EVENTS_PER_SECOND}`),
      });
      if (value === undefined) return undefined;
      rate = Number(value);
    }
    const eventsPerSecond = rate;
    const titles = chosen.map((s) => STACKS[s].title).join(' and ');
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Running the lab (${titles})`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const say = (message: string) => progress.report({ message });
        for (const stack of chosen) {
          say(`${STACKS[stack].title}: starting the services and the jobs…`);
          await stacks.start(stack, { withJobs: true, signal: abort.signal, onProgress: (m) => say(`${STACKS[stack].title}: ${m}`) });
        }
        for (const stack of chosen) {
          say(`${STACKS[stack].title}: waiting for the jobs to run…`);
          await jobs.waitRunning(stack, jobs.pipelineJobs(stack), { signal: abort.signal, onProgress: (m) => say(`${STACKS[stack].title}: ${m}`) });
        }
        say(`Starting the data generator at ${eventsPerSecond === 0 ? 'full speed' : `${eventsPerSecond} events/s`}…`);
        if (!generator.running) await generator.start({ eventsPerSecond, seed: readSettings().settings.generatorSeed, maxEvents: given.maxEvents });
        say('Opening the comparison…');
        await vscode.commands.executeCommand('archlab.openComparison');
      },
    );
    void vscode.window
      .showInformationMessage(
        `Archlab: the lab runs (${titles}). The comparison shows each architecture's answer against the truth as it catches up.`,
        'Run Batch Cycle Now',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('archlab.runBatchCycle');
      });
    return chosen;
  };
}
