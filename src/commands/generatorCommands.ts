import * as vscode from 'vscode';
import { MAX_EVENTS_PER_SECOND } from '../core/settings';
import type { FinalStatus } from '../services/generator/protocol';
import { summarize, type GeneratorService } from '../services/generator/generatorService';
import { readSettings } from './settingsProblems';

export function generatorCommands(service: GeneratorService): Record<string, (arg?: unknown) => Promise<unknown>> {
  /** Optional argument (tests, keybindings): { eventsPerSecond, maxEvents } instead of the settings' rate, unlimited. */
  const start = async (arg?: unknown) => {
    if (service.running) {
      void vscode.window.showInformationMessage('Archlab: the data generator is already running. Use "Archlab: Set Generator Rate" to change its rate.');
      return;
    }
    const given = (arg && typeof arg === 'object' ? arg : {}) as { eventsPerSecond?: number; maxEvents?: number };
    const { generatorEventsPerSecond, generatorSeed: seed } = readSettings().settings;
    const eventsPerSecond = typeof given.eventsPerSecond === 'number' ? given.eventsPerSecond : generatorEventsPerSecond;
    const maxEvents = typeof given.maxEvents === 'number' ? given.maxEvents : undefined;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the data generator' }, () =>
      service.start({ eventsPerSecond, seed, maxEvents }),
    );
  };
  /** The command's result is the final statuses (for tests and other extensions). */
  const stop = async (): Promise<FinalStatus[]> => {
    const finals = await service.stop();
    if (finals.length === 0) void vscode.window.showInformationMessage('Archlab: the data generator is not running.');
    else void vscode.window.showInformationMessage(`Archlab: data generator stopped. ${summarize(finals)}.`);
    return finals.map((f) => f.final);
  };
  const setRate = async () => {
    const value = await vscode.window.showInputBox({
      title: 'Generator rate',
      prompt: `Events per second (1–${MAX_EVENTS_PER_SECOND}; 0 = as fast as possible)`,
      value: String(readSettings().settings.generatorEventsPerSecond),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= MAX_EVENTS_PER_SECOND ? undefined : `A whole number from 0 to ${MAX_EVENTS_PER_SECOND}`),
    });
    if (value !== undefined) service.setRate(Number(value));
  };
  const resume = async () => {
    if (service.resume() === 0) {
      void vscode.window.showInformationMessage(
        service.running
          ? 'Archlab: the data generator is not paused: nothing to resume.'
          : 'Archlab: the data generator is not running. Start it with "Archlab: Start Data Generator".',
      );
    }
  };
  return {
    'archlab.startGenerator': start,
    'archlab.stopGenerator': stop,
    'archlab.setGeneratorRate': setRate,
    'archlab.resumeGenerator': resume,
    'archlab.generatorMenu': async () => {
      const items = [
        { label: '$(dashboard) Set Rate…', run: setRate },
        { label: '$(debug-continue) Resume', run: resume },
        { label: '$(debug-stop) Stop', run: stop },
        { label: '$(graph) Open Comparison', run: () => vscode.commands.executeCommand('archlab.openComparison') },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Archlab data generator' });
      await picked?.run();
    },
  };
}
