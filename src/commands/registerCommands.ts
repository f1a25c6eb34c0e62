import * as vscode from 'vscode';
import type { DockerAccess } from '../clients/docker/dockerAccess';
import type { ComparisonPanels } from '../panels/comparisonPanel';
import type { CassandraConnections, KafkaConnections } from '../services/connections';
import type { ContainersModel } from '../services/containers';
import type { RateSweepRunner } from '../services/experiments/rateSweepRunner';
import type { ScaleRunner } from '../services/experiments/scaleRunner';
import type { GeneratorService } from '../services/generator/generatorService';
import type { JobsService } from '../services/jobs';
import type { TruthService } from '../services/truth';
import { requireStackName, stackGrafanaUrl, type StackService } from '../services/stacks';
import type { ArchlabViews } from '../views/registerViews';
import { cassandraCommands } from './cassandraCommands';
import { comparisonCommands } from './comparisonCommands';
import { containerCommands } from './containerCommands';
import { experimentCommands } from './experimentCommands';
import { generatorCommands } from './generatorCommands';
import { jobCommands } from './jobCommands';
import { registerCommand, SHOW_LOGS_COMMAND } from './registerCommand';
import { readSettings } from './settingsProblems';
import { runLabCommand } from './runLabCommand';
import { resetLabData, startStack, stopStack } from './stackCommands';
import { topicCommands } from './topicCommands';

export interface CommandServices {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  docker: DockerAccess;
  containers: ContainersModel;
  stacks: StackService;
  kafka: KafkaConnections;
  cassandra: CassandraConnections;
  generator: GeneratorService;
  truth: TruthService;
  jobs: JobsService;
  comparison: ComparisonPanels;
  rateSweep: RateSweepRunner;
  scale: ScaleRunner;
}

/** Every command Archlab contributes; package.json's contributes.commands must list exactly these. */
export function registerCommands(services: CommandServices, views: ArchlabViews): void {
  const { log, stacks, generator } = services;
  const withJobs = () => readSettings().settings.stacksStartJobs;
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'archlab.startLambda': () => startStack(stacks, 'lambda', withJobs()),
    'archlab.startKappa': () => startStack(stacks, 'kappa', withJobs()),
    'archlab.stopLambda': () => stopStack(stacks, 'lambda'),
    'archlab.stopKappa': () => stopStack(stacks, 'kappa'),
    'archlab.restartLambda': async () => {
      await stopStack(stacks, 'lambda');
      await startStack(stacks, 'lambda', withJobs());
    },
    'archlab.restartKappa': async () => {
      await stopStack(stacks, 'kappa');
      await startStack(stacks, 'kappa', withJobs());
    },
    'archlab.resetLabData': async (stack) => {
      // The topics are gone with the data: the truth starts again from zero.
      const reset = await resetLabData(stacks, stack === undefined ? undefined : requireStackName(stack));
      if (reset) services.truth.reset(reset);
    },
    'archlab.openGrafana': async (stack) => {
      await vscode.env.openExternal(vscode.Uri.parse(stackGrafanaUrl(stack === undefined ? 'lambda' : requireStackName(stack))));
    },
    ...containerCommands({ docker: services.docker, containers: services.containers, log }),
    ...cassandraCommands(services.cassandra, log),
    ...topicCommands({ source: services.kafka, tree: views.topics.tree, peeks: views.topics.peeks, log }),
    ...generatorCommands(generator),
    ...comparisonCommands(services.comparison),
    ...experimentCommands(services.rateSweep, services.scale, services.comparison, services.extension.globalStorageUri),
    ...jobCommands({ jobs: services.jobs, stacks, docker: services.docker, log, refresh: () => void views.refresh('pipelines') }),
    'archlab.runLab': runLabCommand(stacks, services.jobs, generator),
    'archlab.pipelines.refresh': () => views.refresh('pipelines'),
    'archlab.configureConnections': () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:archlab.archlab'),
    [SHOW_LOGS_COMMAND]: () => log.show(),
    'archlab.containers.refresh': () => views.refresh('containers'),
    'archlab.topics.refresh': () => views.refresh('topics'),
    'archlab.cassandra.refresh': () => views.refresh('cassandra'),
  };
  for (const [id, handler] of Object.entries(handlers)) registerCommand(services.extension, log, id, handler);
}
