// `archlab`: the lab from a terminal, over the same services as the extension (no vscode). Progress goes to
// stderr, results to stdout (plain, or JSON with --json), and the exit code says how it went (see EXIT).
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compare } from '../core/comparison';
import { isUserFacingError, shortMessage } from '../core/errors';
import { DEFAULT_RATE_SWEEP } from '../core/experiments/rateSweep';
import { formatCount } from '../core/format';
import type { Logger } from '../core/logger';
import { MAX_EVENTS_PER_SECOND } from '../core/settings';
import { STACK_NAMES, STACKS, type StackName } from '../core/stacks';
import { DEFAULT_SCALE, parseScaleSetting, type ScaleSetting } from '../core/experiments/scale';
import { writeScale } from '../services/experiments/scaleFiles';
import { writeExperimentReport, writeSweep } from '../services/experiments/sweepFiles';
import { createLabServices, type LabServices } from '../services/labServices';
import { groupHealth } from '../services/stacks';
import { FileSecretStore } from './fileSecrets';
import { comparisonTable, everyPipelineExact, EXIT, table } from './output';
import { cliSettings, type ConnectionFlags } from './settings';

/** The package root: dist/cli.js sits one level below it. */
const ROOT = path.resolve(__dirname, '..');

class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.failed,
  ) {
    super(message);
  }
}

const stackArgument = (value: string): StackName => {
  if (!(STACK_NAMES as string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${STACK_NAMES.join(', ')}.`);
  return value as StackName;
};
const wholeNumber =
  (what: string, max = Number.MAX_SAFE_INTEGER) =>
  (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`${what} must be a whole number from 0 to ${max}.`);
    return n;
  };

const positiveNumber =
  (what: string, above = 0) =>
  (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= above) throw new InvalidArgumentError(`${what} must be a number above ${above}.`);
    return n;
  };

/** archlab-experiments/rate-sweep-2026-12-03T12-00-00 in the current folder. */
const defaultExperimentFolder = (name: string) => path.resolve('archlab-experiments', `${name}-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}`);

function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string | Error) => process.stderr.write(`${level}: ${message instanceof Error ? message.message : message}\n`);
  const quiet = () => undefined;
  return { trace: quiet, debug: verbose ? write('debug') : quiet, info: verbose ? write('info') : quiet, warn: write('warning'), error: write('error') };
}

function progress(json: boolean): (message: string) => void {
  return (message) => {
    if (!json) process.stderr.write(`${message}\n`);
  };
}

type Global = ConnectionFlags & { json?: boolean; verbose?: boolean };

/** Builds the services for one command, runs it, and always closes every client (so the process exits). */
async function withServices<T>(global: Global, run: (services: LabServices, abort: AbortSignal) => Promise<T>): Promise<T> {
  const { settings, problems } = cliSettings(global);
  if (problems.length > 0) throw new CliFailure(problems.map((p) => p.message).join('\n'), EXIT.usage);
  const services = createLabServices({
    settings: () => settings,
    secrets: new FileSecretStore(),
    root: ROOT,
    workerPath: path.join(ROOT, 'dist', 'generatorWorker.js'),
    workspaceRoot: () => process.cwd(),
    log: stderrLogger(global.verbose === true),
    dockerSettingName: '--docker-host (or ARCHLAB_DOCKER_HOST)',
    dockerRetryLog: 'debug',
  });
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    return await run(services, abort.signal);
  } finally {
    process.off('SIGINT', interrupt);
    await services.dispose();
  }
}

function print(global: Global, json: unknown, text: string): void {
  process.stdout.write(global.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
}

export function program(): Command {
  const cli = new Command('archlab')
    .description('Run, watch and compare the Lambda and Kappa lab stacks from a terminal.')
    .option('--json', 'print results as JSON (for scripts)')
    .option('--kafka <servers>', 'Kafka bootstrap servers, comma separated (default: the running stack’s broker)')
    .option('--cassandra <points>', 'Cassandra contact points, comma separated (default: the running stack’s)')
    .option('--data-center <name>', 'Cassandra local data center')
    .option('--docker-host <url>', 'Docker endpoint (default: DOCKER_HOST, then the docker context)')
    .addOption(new Option('--profile <profile>', 'memory profile of the stacks').choices(['small', 'standard', 'large']))
    .option('-v, --verbose', 'log what the services do, on stderr')
    .showHelpAfterError()
    .exitOverride();
  const global = () => cli.opts<Global>();

  cli
    .command('status')
    .description('the lab stacks, their containers and their jobs')
    .action(() =>
      withServices(global(), async ({ containers, stacks, jobs }) => {
        await containers.ensureStarted();
        const state = containers.current;
        if (state.kind === 'unreachable') throw new CliFailure(state.message);
        const result = await Promise.all(
          STACK_NAMES.map(async (name) => {
            const health = groupHealth(stacks.containersOf(name));
            const running = stacks.running().includes(name);
            const jobList = running ? await jobs.snapshot(name) : [];
            return {
              stack: name,
              running,
              healthy: health.healthy,
              services: health.total,
              jobs: jobList.map((j) => ({
                id: j.job.id,
                state: j.state,
                lag: j.lag ?? null,
                eventsPerSecond: j.eventsPerSecond ?? null,
                reason: j.reason ?? null,
              })),
            };
          }),
        );
        const lines = result.flatMap((s) => [
          `${STACKS[s.stack].title}: ${s.running ? `up, ${s.healthy}/${s.services} healthy` : 'not running'}`,
          ...(s.jobs.length > 0 ? [table([['  job', 'state', 'lag'], ...s.jobs.map((j) => [`  ${j.id}`, j.state, formatCount(j.lag)])])] : []),
        ]);
        print(global(), result, lines.join('\n'));
      }),
    );

  cli
    .command('up')
    .description('start a lab stack (and its jobs), and wait until it is healthy')
    .argument('<stack>', STACK_NAMES.join(' or '), stackArgument)
    .option('--no-jobs', 'start the services only')
    .action((stack: StackName, options: { jobs: boolean }) =>
      withServices(global(), async ({ stacks, jobs }, signal) => {
        const onProgress = progress(global().json === true);
        const started = await stacks.start(stack, { withJobs: options.jobs, signal, onProgress });
        if (options.jobs) await jobs.waitRunning(stack, jobs.pipelineJobs(stack), { signal, onProgress });
        print(global(), { stack, started }, started ? `${STACKS[stack].title} is up.` : `${STACKS[stack].title} was already up; nothing changed.`);
      }),
    );

  cli
    .command('down')
    .description('stop a lab stack; its data is kept unless --delete-data is given')
    .argument('<stack>', STACK_NAMES.join(' or '), stackArgument)
    .option('--delete-data', 'also delete its volumes (the topic, the views, the truth)')
    .option('--yes', 'confirm --delete-data without asking')
    .action((stack: StackName, options: { deleteData?: boolean; yes?: boolean }) =>
      withServices(global(), async ({ stacks, truth }, signal) => {
        if (options.deleteData && !options.yes) throw new CliFailure('--delete-data deletes the lab data of this stack: add --yes to confirm.', EXIT.usage);
        await stacks.stop(stack, { removeVolumes: options.deleteData === true, signal, onProgress: progress(global().json === true) });
        if (options.deleteData) truth.reset(stack);
        print(
          global(),
          { stack, deletedData: options.deleteData === true },
          `${STACKS[stack].title} stopped${options.deleteData ? ' and its data deleted' : '; its data is kept'}.`,
        );
      }),
    );

  const jobsCommand = cli.command('jobs').description('the pipeline jobs of a stack');
  jobsCommand
    .command('start')
    .argument('<stack>', STACK_NAMES.join(' or '), stackArgument)
    .description('start the stack’s pipeline jobs and wait until each reports running')
    .action((stack: StackName) =>
      withServices(global(), async ({ jobs }, signal) => {
        const onProgress = progress(global().json === true);
        await jobs.start(stack, undefined, { signal, onProgress });
        await jobs.waitRunning(stack, jobs.pipelineJobs(stack), { signal, onProgress });
        print(global(), { stack, jobs: jobs.pipelineJobs(stack).map((j) => j.id) }, `${STACKS[stack].title}: every job is running.`);
      }),
    );
  jobsCommand
    .command('stop')
    .argument('<stack>', STACK_NAMES.join(' or '), stackArgument)
    .description('stop the stack’s jobs (the services keep running)')
    .action((stack: StackName) =>
      withServices(global(), async ({ jobs }, signal) => {
        await jobs.stop(stack, undefined, { signal, onProgress: progress(global().json === true) });
        print(global(), { stack }, `${STACKS[stack].title}: jobs stopped.`);
      }),
    );
  jobsCommand
    .command('batch')
    .description('run one lambda batch cycle now and wait until serving uses it')
    .action(() =>
      withServices(global(), async ({ jobs }, signal) => {
        const result = await jobs.runBatchCycle({ signal, onProgress: progress(global().json === true) });
        print(global(), result, result.published ? `Batch version ${result.version} published.` : 'Nothing new since the last batch cycle.');
      }),
    );
  jobsCommand
    .command('replay')
    .description('replay kappa from offset 0 into a new view version, until serving switches to it')
    .action(() =>
      withServices(global(), async ({ jobs }, signal) => {
        const result = await jobs.replayKappa({ signal, onProgress: progress(global().json === true) });
        print(global(), result, `Kappa replayed: version ${result.from} → ${result.to}.`);
      }),
    );

  cli
    .command('generate')
    .description('send vending-machine events to every running stack’s topic; stops after --events, or on Ctrl-C')
    .option('--rate <events/s>', 'events per second (0: as fast as the broker takes them)', wholeNumber('--rate', MAX_EVENTS_PER_SECOND), 100)
    .option('--events <n>', 'stop after this many events', wholeNumber('--events'))
    .option('--seed <n>', 'random seed (the same seed gives the same events)', wholeNumber('--seed'), 42)
    .action((options: { rate: number; events?: number; seed: number }) =>
      withServices(global(), async ({ generator }, signal) => {
        if (options.events === undefined && options.rate === 0) throw new CliFailure('--rate 0 (maximum) needs --events, or it never ends.', EXIT.usage);
        await generator.start({ eventsPerSecond: options.rate, seed: options.seed, maxEvents: options.events });
        const say = progress(global().json === true);
        await new Promise<void>((resolve) => {
          let last = 0;
          const finish = () => {
            subscription.dispose();
            signal.removeEventListener('abort', finish);
            resolve();
          };
          const subscription = generator.onDidChange(() => {
            const live = generator.live();
            if (live.every((s) => ['done', 'failed', 'paused'].includes(s.state))) return finish();
            if (Date.now() - last > 2000) {
              last = Date.now();
              say(`${formatCount(live.reduce((a, s) => a + s.acked, 0))} events acknowledged`);
            }
          });
          signal.addEventListener('abort', finish);
          if (signal.aborted || generator.live().every((s) => ['done', 'failed', 'paused'].includes(s.state))) finish();
        });
        // How each run ended (done, failed, paused on an error, or running when interrupted), before stop() closes it.
        const ended = new Map(generator.statuses().map((r) => [r.cluster.id, r.status.state]));
        const finals = await generator.stop();
        const failed = finals.filter((f) => ['failed', 'paused'].includes(ended.get(f.cluster.id) ?? ''));
        const result = finals.map((f) => ({
          cluster: f.cluster.label,
          acknowledged: f.final.acked,
          truth: f.final.truth,
          state: ended.get(f.cluster.id) ?? f.final.state,
        }));
        print(global(), result, result.map((r) => `${r.cluster}: ${formatCount(r.acknowledged)} events acknowledged (${r.state})`).join('\n'));
        if (failed.length > 0)
          throw new CliFailure(failed.map((f) => `${f.cluster.label}: ${f.final.lastError?.message ?? 'the generator failed'}`).join('\n'));
      }),
    );

  cli
    .command('compare')
    .description('per snack, the truth and what each pipeline serves; exit code 3 when a complete pipeline is not exact')
    .action(() =>
      withServices(global(), async ({ containers, feed }) => {
        await containers.ensureStarted();
        const snapshot = await feed.snapshot();
        if (snapshot.truth === undefined && Object.keys(snapshot.views).length === 0) {
          const state = containers.current;
          throw new CliFailure(
            state.kind === 'unreachable'
              ? `Nothing to compare: ${state.message} Or give the clusters with --kafka and --cassandra.`
              : 'Nothing to compare: no lab stack is running. Start one with "archlab up kappa" (or lambda), or give --kafka and --cassandra.',
          );
        }
        const comparison = compare(snapshot);
        print(global(), comparison, comparisonTable(comparison));
        if (!everyPipelineExact(comparison)) process.exitCode = EXIT.notExact;
      }),
    );

  const experiment = cli.command('experiment').description('run an experiment on the running stacks and write its record and report');
  experiment
    .command('rate-sweep')
    .description('step the offered rate up and hold each step; find where each pipeline chokes, and why')
    .option('--start-rate <events/s>', 'offered rate of the first step', positiveNumber('--start-rate'), DEFAULT_RATE_SWEEP.startRate)
    .option('--factor <x>', 'each step offers this many times the one before', positiveNumber('--factor', 1), DEFAULT_RATE_SWEEP.factor)
    .option('--steps <n>', 'number of steps', wholeNumber('--steps', 20), DEFAULT_RATE_SWEEP.steps)
    .option('--hold <seconds>', 'how long each step is held', positiveNumber('--hold'), DEFAULT_RATE_SWEEP.holdMs / 1000)
    .option(
      '--freshness-limit <seconds>',
      'a pipeline whose freshness p95 passes this is choking',
      positiveNumber('--freshness-limit'),
      DEFAULT_RATE_SWEEP.freshnessLimitMs / 1000,
    )
    .option('--seed <n>', 'random seed of the events', wholeNumber('--seed'), 42)
    .option('--out <folder>', 'where to write the record and the report (default: archlab-experiments/rate-sweep-<time>)')
    .action((options: { startRate: number; factor: number; steps: number; hold: number; freshnessLimit: number; seed: number; out?: string }) =>
      withServices(global(), async (services, signal) => {
        if (options.steps < 1) throw new CliFailure('--steps must be at least 1.', EXIT.usage);
        const folder = path.resolve(options.out ?? defaultExperimentFolder('rate-sweep'));
        const say = progress(global().json === true);
        const result = await services.rateSweep.run({
          startRate: options.startRate,
          factor: options.factor,
          steps: options.steps,
          holdMs: options.hold * 1000,
          freshnessLimitMs: options.freshnessLimit * 1000,
          seed: options.seed,
          signal,
          onProgress: say,
        });
        const files = await writeSweep(result, folder);
        const lines = [
          ...result.chokePoints.map((c) => `${c.pipeline} chokes at ${formatCount(c.step.offeredRate)} events/s: ${c.reason}`),
          ...result.keptUp.map((p) => `${p} kept up at every step`),
          `Report: ${files.find((f) => f.endsWith('.md'))}`,
        ];
        print(
          global(),
          { folder, files, complete: result.complete, chokePoints: result.chokePoints, keptUp: result.keptUp, steps: result.steps },
          lines.join('\n'),
        );
        if (!result.complete) process.exitCode = EXIT.failed;
      }),
    );

  experiment
    .command('scale')
    .description('count the same backlog under several Spark settings (workers:cores per job:executor memory); what does each change?')
    .option(
      '--settings <list>',
      'comma-separated workers:cores:memory settings, the first is the baseline',
      DEFAULT_SCALE.settings.map((s) => `${s.sparkWorkers}:${s.coresPerJob}:${s.executorMemory}`).join(','),
    )
    .option('--backlog <events>', 'events sent while the jobs are stopped, per setting', wholeNumber('--backlog'), DEFAULT_SCALE.backlogEvents)
    .option(
      '--timeout <seconds>',
      'give up on a setting whose jobs have not caught up after this long',
      positiveNumber('--timeout'),
      DEFAULT_SCALE.timeoutMs / 1000,
    )
    .option('--seed <n>', 'random seed of the events', wholeNumber('--seed'), 42)
    .option('--out <folder>', 'where to write the record and the report (default: archlab-experiments/scale-<time>)')
    .action((options: { settings: string; backlog: number; timeout: number; seed: number; out?: string }) => {
      let settings: ScaleSetting[];
      try {
        settings = options.settings.split(',').map(parseScaleSetting);
      } catch (error) {
        throw new CliFailure(`--settings: ${(error as Error).message}.`, EXIT.usage);
      }
      return withServices(global(), async (services, signal) => {
        const folder = path.resolve(options.out ?? defaultExperimentFolder('scale'));
        const result = await services.scale.run({
          settings,
          backlogEvents: options.backlog,
          timeoutMs: options.timeout * 1000,
          seed: options.seed,
          signal,
          onProgress: progress(global().json === true),
        });
        const files = await writeScale(result, folder);
        const lines = [
          ...result.comparisons.map((c) => `${result.runs[c.setting].setting.label}: ${c.verdict}: ${c.reason}`),
          `Report: ${files.find((f) => f.endsWith('.md'))}`,
        ];
        print(global(), { folder, files, complete: result.complete, comparisons: result.comparisons, results: result.results }, lines.join('\n'));
        if (!result.complete) process.exitCode = EXIT.failed;
      });
    });

  cli
    .command('report')
    .description('write the Markdown report, CSVs and plots of an experiment again from its record')
    .argument('<folder>', 'the folder an experiment wrote')
    .action(async (folder: string) => {
      const files = await writeExperimentReport(path.resolve(folder));
      print(global(), { folder: path.resolve(folder), files }, `Report: ${files.find((f) => f.endsWith('.md'))}`);
    });

  return cli;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const code = error instanceof CliFailure ? error.code : EXIT.failed;
    const message = error instanceof CliFailure || isUserFacingError(error) ? error.message : `archlab failed: ${shortMessage(error)}`;
    process.stderr.write(`${message}\n`);
    return code;
  }
}

if (require.main === module) void main().then((code) => process.exit(code));
