// The lab's services wired together, vscode-free: the extension's composition root and the CLI build the same
// graph from here, so a command in the editor and on the command line run the same code.
import { DockerAccess } from '../clients/docker/dockerAccess';
import type { Logger } from '../core/logger';
import type { ArchlabSettings } from '../core/settings';
import { LabComparisonFeed } from './comparisonFeed';
import { CassandraConnections, KafkaConnections } from './connections';
import { ContainersModel } from './containers';
import { RateSweepRunner } from './experiments/rateSweepRunner';
import { ScaleRunner } from './experiments/scaleRunner';
import { GeneratorService } from './generator/generatorService';
import { JobsService } from './jobs';
import { isLabProject, StackService, type SecretStore } from './stacks';
import { TruthService } from './truth';

export interface LabServicesOptions {
  settings: () => ArchlabSettings;
  secrets: SecretStore;
  /** The extension's (or the CLI package's) root: lab-stacks/ and dist/generatorWorker.js live below it. */
  root: string;
  workerPath: string;
  workspaceRoot?: () => string | undefined;
  log: Logger;
  /** How messages name the Docker endpoint setting (default: the extension's setting). */
  dockerSettingName?: string;
  /** Where the containers model's "Docker is not reachable, retrying" goes (the CLI says it once, itself). */
  dockerRetryLog?: 'warn' | 'debug';
}

export interface LabServices {
  docker: DockerAccess;
  containers: ContainersModel;
  kafka: KafkaConnections;
  cassandra: CassandraConnections;
  stacks: StackService;
  truth: TruthService;
  generator: GeneratorService;
  jobs: JobsService;
  feed: LabComparisonFeed;
  rateSweep: RateSweepRunner;
  scale: ScaleRunner;
  log: Logger;
  /** Stops the generator's runs (their truth stored) and closes every client. */
  dispose(): Promise<void>;
}

export function createLabServices(options: LabServicesOptions): LabServices {
  const { settings, log } = options;
  const docker = new DockerAccess(() => settings().dockerHost, options.dockerSettingName);
  const containers = new ContainersModel(() => docker.client(), { isLabProject, log: (m) => log[options.dockerRetryLog ?? 'warn'](m) });
  const kafka = new KafkaConnections(
    () => settings().kafkaBootstrapServers,
    containers,
    (m) => log.debug(m),
  );
  const cassandra = new CassandraConnections(
    () => ({ contactPoints: settings().cassandraContactPoints, localDataCenter: settings().cassandraLocalDataCenter }),
    containers,
  );
  const stacks = new StackService({
    docker,
    containers,
    settings,
    secrets: options.secrets,
    extensionRoot: options.root,
    workspaceRoot: options.workspaceRoot,
    log,
  });
  const truth = new TruthService({ kafka, cassandra, log });
  const generator = new GeneratorService({ workerPath: options.workerPath, clusters: () => kafka.clusters(), truth, log });
  const jobs = new JobsService({ stacks, docker, kafka, cassandra, log });
  const feed = new LabComparisonFeed(cassandra, kafka, containers, truth);
  const rateSweep = new RateSweepRunner({ generator, feed, containers, docker, log });
  const scale = new ScaleRunner({ generator, feed, containers, docker, stacks, jobs, settings, log });
  return {
    docker,
    containers,
    kafka,
    cassandra,
    stacks,
    truth,
    generator,
    jobs,
    feed,
    rateSweep,
    scale,
    log,
    async dispose() {
      containers.dispose();
      await generator.dispose();
      await Promise.all([kafka.dispose(), cassandra.dispose()]);
    },
  };
}
