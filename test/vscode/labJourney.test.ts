// The lab's journey through Archlab's own commands in real VS Code, on the test bed's Docker engine with the lab's
// bundled compose files unchanged (stand-in images for the official ones, test/stacks: no registry is reachable
// here; Grafana has no stand-in, so archlab.stacks.grafana is off). What is checked is what the user sees: the
// Pipelines view's states and the comparison panel's numbers (read through the extension's test API).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { Comparison, Pipeline } from '../../src/core/comparison';
import type { ScaleResult } from '../../src/core/experiments/scaleResult';
import { SETTLE_FRACTION, type RateSweepResult } from '../../src/core/experiments/sweepResult';
import type { JobState } from '../../src/core/jobState';
import { STACKS, type StackName } from '../../src/core/stacks';
import type { ArchlabApi } from '../../src/extension';
import type { JobSnapshot } from '../../src/services/jobs';
import type { PipelinesNode } from '../../src/views/pipelines/pipelinesTree';
import { MemorySampler, recordMemoryPeaks } from '../stacks/memoryPeaks';
import { dockerBed, ensureStandinImages, seedIvyVolume } from '../stacks/standins';

const exec = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  describe?: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${describe ? `: ${await describe()}` : ''}`);
    await sleep(500);
  }
}

const sum = (counts: Record<string, number | null>) => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

describe('the lab from VS Code: stacks, pipelines, batch cycles and replay (real Docker engine, stand-in images)', function () {
  this.timeout(60 * 60_000);
  let api: ArchlabApi;
  const config = () => vscode.workspace.getConfiguration('archlab');
  const bed = dockerBed();
  const sampler = new MemorySampler(bed, [STACKS.lambda.composeProject, STACKS.kappa.composeProject]);
  const docker = (args: string[]) => exec(bed.cli, args, { env: bed.env, maxBuffer: 16 * 1024 * 1024 });

  const jobs = (stack: StackName) => api.jobs().snapshot(stack);
  const stateOf = async (stack: StackName, id: string) => (await jobs(stack)).find((j) => j.job.id === id);
  const describeJobs = async (stack: StackName) => (await jobs(stack)).map((j) => `${j.job.id} ${j.state}${j.reason ? ` (${j.reason})` : ''}`).join('; ');
  const shownJobs = async (stack: StackName): Promise<JobSnapshot[]> => {
    const roots = await api.pipelinesTree().getChildren();
    const root = roots.find((n) => n.kind === 'stack' && n.stack === stack);
    assert.ok(root, `the Pipelines view lists ${stack}`);
    return (await api.pipelinesTree().getChildren(root)).flatMap((n: PipelinesNode) => (n.kind === 'job' ? [n.snapshot] : []));
  };
  const waitState = (stack: StackName, id: string, states: JobState[], timeoutMs: number) =>
    until(
      `${stack} ${id} ${states.join('/')}`,
      async () => ((await stateOf(stack, id))?.state && states.includes((await stateOf(stack, id))!.state) ? true : undefined),
      timeoutMs,
      () => describeJobs(stack),
    );

  /** Waits until every pipeline job of the stack (the jobs profile) runs. */
  const everyJobRunning = (stack: StackName) =>
    until(
      `every ${stack} job running`,
      async () => ((await jobs(stack)).filter((j) => j.job.profile === 'jobs').every((j) => j.state === 'running') ? true : undefined),
      15 * 60_000,
      () => describeJobs(stack),
    );

  /** The comparison as the panel shows it, once `ok` holds. */
  async function comparisonWhere(what: string, ok: (c: Comparison) => boolean, timeoutMs = 300_000): Promise<Comparison> {
    await vscode.commands.executeCommand('archlab.openComparison');
    return until(
      what,
      () => {
        const c = api.comparison();
        return c && ok(c) ? c : undefined;
      },
      timeoutMs,
      () => JSON.stringify(api.comparison()?.totals ?? null).slice(0, 1500),
    );
  }

  const exactFor = (c: Comparison, pipelines: Pipeline[]) =>
    c.truthTotal !== null && c.truthTotal > 0 && c.rows.every((r) => pipelines.every((p) => r.cells[p].count === r.truth));

  async function generate(events: number, eventsPerSecond = 0): Promise<void> {
    await vscode.commands.executeCommand('archlab.startGenerator', { eventsPerSecond, maxEvents: events });
    await until(
      'the generator to send every event',
      () =>
        api
          .generator()
          .statuses()
          .every((s) => s.status.state === 'done') || undefined,
      300_000,
    );
    await vscode.commands.executeCommand('archlab.stopGenerator');
  }

  /** Every running container of the stack stayed under its memory limit; the peaks go to test-results. */
  async function assertUnderMemoryLimits(stack: StackName) {
    const peaks = await recordMemoryPeaks(sampler, STACKS[stack].composeProject, path.join(repoRoot, 'test-results'));
    assert.ok(peaks.length >= 5, `peaks of the ${stack} containers: ${peaks.length}`);
    for (const p of peaks) assert.ok(p.peakMiB < p.limitMiB, `${p.container}: peak ${p.peakMiB} MiB under its ${p.limitMiB} MiB limit`);
    const ids = (await docker(['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${STACKS[stack].composeProject}`])).stdout
      .split('\n')
      .filter(Boolean);
    const oom = (await docker(['inspect', '--format', '{{.Name}} {{.State.OOMKilled}}', ...ids])).stdout.split('\n').filter((l) => l.endsWith(' true'));
    assert.deepEqual(oom, [], 'no container was killed for memory');
  }

  before(async function () {
    this.timeout(30 * 60_000);
    api = await vscode.extensions.getExtension<ArchlabApi>('archlab.archlab')!.activate();
    await ensureStandinImages(bed, path.join(repoRoot, '.testbed', 'stacks'));
    for (const stack of ['lambda', 'kappa'] as StackName[]) await seedIvyVolume(bed, stack);
    await config().update('stacks.grafana', false, vscode.ConfigurationTarget.Global);
    sampler.start();
  });

  after(async function () {
    this.timeout(10 * 60_000);
    await sampler.stop();
    if (api.generator().running) await vscode.commands.executeCommand('archlab.stopGenerator');
    await vscode.commands.executeCommand('archlab.stopLambda');
    await vscode.commands.executeCommand('archlab.stopKappa');
    await config().update('stacks.grafana', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Start Lambda brings up the services and the jobs: the Pipelines view shows every lambda job running', async () => {
    await vscode.commands.executeCommand('archlab.startLambda');
    await everyJobRunning('lambda');
    await vscode.commands.executeCommand('archlab.pipelines.focus');
    const shown = await shownJobs('lambda');
    assert.deepEqual(shown.map((j) => j.job.id).sort(), ['batch_layer', 'hdfs_ingest', 'speed_layer', 'validation']);
    for (const job of shown) assert.equal(job.state, 'running', `${job.job.title}: ${job.reason ?? ''}`);
    const batch = shown.find((j) => j.job.id === 'batch_layer')!;
    assert.match(
      batch.sparkUiUrl ?? '',
      /^http:\/\/127\.0\.0\.1:18088\/proxy\/application_/,
      'the batch layer runs on YARN, its UI through the ResourceManager',
    );
  });

  it('20,000 events, Run Batch Cycle Now: the comparison shows truth = validation = batch + speed since the cut-off = serving, per snack', async () => {
    await generate(20_000);
    const cycle = await vscode.commands.executeCommand<{ version?: number; published: boolean }>('archlab.runBatchCycle');
    // A scheduled cycle may have covered the events already: then this one finds nothing new and its version stays.
    assert.ok(cycle.version !== undefined, `a batch version is served: ${JSON.stringify(cycle)}`);
    const c = await comparisonWhere(
      'lambda exact after the batch cycle',
      (x) => exactFor(x, ['validation', 'lambdaServing']) && x.totals.lambdaBatch.version === cycle.version,
    );
    assert.ok(c.truthTotal! >= 20_000);
    for (const row of c.rows) {
      assert.equal(
        (row.cells.lambdaBatch.count ?? 0) + (row.cells.lambdaSpeed.count ?? 0),
        row.cells.lambdaServing.count,
        `${row.snack}: batch + speed = serving`,
      );
    }
    assert.ok(sum(Object.fromEntries(c.rows.map((r) => [r.snack, r.cells.lambdaBatch.count]))) > 0, 'the batch view holds events');
  });

  it('a job killed from outside (docker kill) shows as failed within 15 s; Restart brings it back and the counts are exact again', async () => {
    const speed = (await stateOf('lambda', 'speed_layer'))!;
    await api.jobs().kill('lambda', speed.job);
    const killedAt = Date.now();
    await waitState('lambda', 'speed_layer', ['failed'], 15_000);
    const failed = (await stateOf('lambda', 'speed_layer'))!;
    assert.match(failed.reason ?? '', /SIGKILL|137/, failed.reason);
    console.log(`      speed layer shown failed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after docker kill`);
    const node = (await shownJobs('lambda')).find((j) => j.job.id === 'speed_layer')!;
    await vscode.commands.executeCommand('archlab.job.restart', { kind: 'job', snapshot: node });
    await waitState('lambda', 'speed_layer', ['running'], 10 * 60_000);
    await generate(2_000);
    await comparisonWhere('lambda exact again after the restart', (x) => exactFor(x, ['validation', 'lambdaServing']));
  });

  it('a driver that stops making progress in a still-running container (SIGSTOP) shows as stalled, and recovers', async () => {
    const validation = (await stateOf('lambda', 'validation'))!;
    const { stdout } = await docker(['exec', validation.container!.id, 'pgrep', '-f', '^python3 /opt/archlab/jobs/validation.py']);
    const pid = stdout.trim().split('\n')[0];
    await docker(['exec', validation.container!.id, 'kill', '-STOP', pid]);
    try {
      await waitState('lambda', 'validation', ['stalled'], 90_000);
      assert.match((await stateOf('lambda', 'validation'))!.reason ?? '', /no progress report/);
    } finally {
      await docker(['exec', validation.container!.id, 'kill', '-CONT', pid]);
    }
    await waitState('lambda', 'validation', ['running'], 60_000);
  });

  it('lambda: every container stayed under its memory limit through the journey (peaks in test-results/memory-peaks.json)', async () => {
    await assertUnderMemoryLimits('lambda');
  });

  it('Start Kappa runs the kappa stream in Docker; Replay Kappa counts a new version from offset 0 that equals the truth and the old version', async () => {
    await vscode.commands.executeCommand('archlab.stopLambda');
    await vscode.commands.executeCommand('archlab.startKappa');
    await everyJobRunning('kappa');
    const stream = (await shownJobs('kappa')).find((j) => j.job.id === 'kappa_stream')!;
    assert.equal(stream.state, 'running');
    assert.match(stream.container?.name ?? '', /^archlab-kappa-kappa-stream-/, 'in the Docker engine');
    await generate(100_000);
    const before = await comparisonWhere('kappa exact before the replay', (x) => exactFor(x, ['validation', 'kappa']));
    const started = Date.now();
    const replay = await vscode.commands.executeCommand<{ from: number; to: number }>('archlab.replayKappa');
    console.log(`      replay of ${before.truthTotal} events: version ${replay.from} -> ${replay.to} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    assert.equal(replay.to, replay.from + 1);
    const after = await comparisonWhere(
      'the comparison shows the replayed version, exact',
      (x) => x.totals.kappa.version === replay.to && exactFor(x, ['validation', 'kappa']),
    );
    for (const row of after.rows)
      assert.equal(row.cells.kappa.count, before.rows.find((r) => r.snack === row.snack)!.cells.kappa.count, `${row.snack}: new version = old version`);
    await waitState('kappa', 'kappa_replay', ['stopped'], 120_000);
    assert.match((await stateOf('kappa', 'kappa_replay'))!.reason ?? '', /switched/);
    const live = (await stateOf('kappa', 'kappa_stream'))!;
    assert.equal(live.report?.version, replay.to, 'the live stream carries on with the new version');
    // And it still counts: the replay must not take the Spark cluster from under the live stream.
    await generate(2_000);
    await comparisonWhere('kappa counts new events after the replay', (x) => x.totals.kappa.version === replay.to && exactFor(x, ['validation', 'kappa']));
  });

  it('kappa: every container stayed under its memory limit through the replay (peaks in test-results/memory-peaks.json)', async () => {
    await assertUnderMemoryLimits('kappa');
  });

  it('Run Rate Sweep on kappa finds where it chokes and why; its CSVs, plots and report agree with the raw series it recorded', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'archlab-sweep-'));
    const run = await vscode.commands.executeCommand<{ folder: string; complete: boolean; chokePoints: { pipeline: string; reason: string }[] }>(
      'archlab.runRateSweep',
      { startRate: 2000, factor: 4, steps: 3, holdMs: 24_000, freshnessLimitMs: 10_000, out: folder, openReport: false },
    );
    assert.ok(run?.complete, `the sweep ran every step: ${JSON.stringify(run)}`);
    const record = JSON.parse(await fs.readFile(path.join(folder, 'rate-sweep.json'), 'utf8')) as RateSweepResult;
    console.log(
      `      sweep: ${record.steps.map((s) => `${s.step.offeredRate}/s offered, generator ${Math.round(s.generatorRate)}/s, ${s.pipelines.map((p) => `${p.pipeline} ${Math.round(p.throughput)}/s p95 ${p.freshnessP95}`).join(', ')}`).join(' | ')}`,
    );
    console.log(`      choke points: ${JSON.stringify(record.chokePoints)}; load ${record.machine.loadAtStart} → ${record.machine.loadAtEnd}`);
    assert.equal(record.steps.length, 3);
    const first = record.steps[0].pipelines.find((p) => p.pipeline === 'kappa')!;
    assert.ok(first.throughput > 0.5 * record.steps[0].step.offeredRate, `kappa counted at the first step: ${first.throughput}/s`);
    const top = record.steps[record.steps.length - 1];
    assert.ok(top.generatorRate >= 0.9 * top.step.offeredRate, `the generator is not the limit of the top step: ${top.generatorRate}/s`);
    const kappaChoke = record.chokePoints.find((c) => c.pipeline === 'kappa');
    assert.ok(kappaChoke, 'kappa chokes at one of the steps');
    assert.ok(kappaChoke.reason.length > 0);
    const shown = await api.experiment();
    assert.equal(shown?.folder, folder, 'the Experiments tab shows this sweep');
    assert.ok(shown.kind === 'rate-sweep');
    assert.deepEqual(
      shown.chokePoints.map((c) => [c.pipeline, c.offeredRate, c.reason]),
      record.chokePoints.map((c) => [c.pipeline, c.step.offeredRate, c.reason]),
    );
    assert.equal(shown.plots.length, 5, 'with its five plots');

    // The step figures are the raw series' own: recompute kappa's throughput per step from the series CSV.
    const [header, ...rows] = (await fs.readFile(path.join(folder, 'rate-sweep-series.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    const stepsCsv = (await fs.readFile(path.join(folder, 'rate-sweep-steps.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    for (const step of record.steps) {
      const mine = rows.filter((r) => Number(r[col('step')]) === step.step.index && r[col('kappa_processed')] !== '');
      const settled = mine.length < 4 ? mine : mine.slice(Math.floor(mine.length * SETTLE_FRACTION));
      const [first, last] = [settled[0], settled[settled.length - 1]];
      const throughput =
        ((Number(last[col('kappa_processed')]) - Number(first[col('kappa_processed')])) * 1000) / (Number(last[col('at_ms')]) - Number(first[col('at_ms')]));
      const written = stepsCsv.find((r) => r[0] === String(step.step.index) && r[3] === 'kappa')!;
      assert.ok(Math.abs(Number(written[4]) - throughput) < 0.11, `step ${step.step.index}: ${written[4]} = ${throughput.toFixed(1)} from the series`);
    }
    const report = await fs.readFile(path.join(folder, 'rate-sweep-report.md'), 'utf8');
    assert.ok(report.includes(`**Kappa** chokes at ${kappaChoke.step.offeredRate.toLocaleString('en-US')} events/s`), report.slice(0, 1500));
    for (const plot of ['throughput', 'freshness', 'lag', 'cpu', 'memory']) {
      assert.match(await fs.readFile(path.join(folder, `rate-sweep-${plot}.svg`), 'utf8'), /^<svg /, `${plot} plot`);
    }

    // The command line writes the same report again from the record alone.
    await fs.rm(path.join(folder, 'rate-sweep-report.md'));
    const cli = path.join(repoRoot, 'bin', 'archlab.js');
    const again = await exec(process.execPath, [cli, '--json', 'report', folder], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.ok((JSON.parse(again.stdout) as { files: string[] }).files.some((f) => f.endsWith('rate-sweep-report.md')));
    assert.equal(await fs.readFile(path.join(folder, 'rate-sweep-report.md'), 'utf8'), report);

    // And runs an experiment, the way a teacher scripts one: a short single step, its record and files written.
    const scripted = path.join(folder, 'cli');
    const cliRun = await exec(
      process.execPath,
      [cli, '--json', 'experiment', 'rate-sweep', '--start-rate', '500', '--steps', '1', '--hold', '12', '--out', scripted],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 300_000 },
    );
    const printed = JSON.parse(cliRun.stdout) as { complete: boolean; steps: { generatorRate: number }[]; files: string[] };
    assert.equal(printed.complete, true);
    assert.equal(printed.steps.length, 1);
    assert.ok(printed.steps[0].generatorRate > 400, `the generator offered 500 events/s: ${printed.steps[0].generatorRate}`);
    assert.ok(printed.files.some((f) => f.endsWith('rate-sweep-report.md')));

    // Overloaded or not, kappa ends exact: it catches up with every event the sweep sent.
    await comparisonWhere('kappa exact after the sweep', (x) => exactFor(x, ['validation', 'kappa']), 600_000);
    // Kept for reading (the README's plotted report comes from such a run).
    await fs.rm(path.join(repoRoot, 'test-results', 'rate-sweep'), { recursive: true, force: true });
    await fs.cp(folder, path.join(repoRoot, 'test-results', 'rate-sweep'), { recursive: true });
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('Run Scale Experiment on kappa counts the same backlog with 1 and 2 cores per job and says what changed, from the series it wrote', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'archlab-scale-'));
    const run = await vscode.commands.executeCommand<{ folder: string; complete: boolean }>('archlab.runScaleExperiment', {
      settings: ['1:1:512m', '1:2:512m'],
      backlogEvents: 300_000,
      out: folder,
      openReport: false,
    });
    assert.ok(run?.complete, `every setting ran: ${JSON.stringify(run)}`);
    const record = JSON.parse(await fs.readFile(path.join(folder, 'scale.json'), 'utf8')) as ScaleResult;
    const kappa = record.results.map((r) => r.find((p) => p.pipeline === 'kappa')!);
    console.log(
      `      scale: ${record.runs.map((r, i) => `${r.setting.label}: start-up ${kappa[i].startupMs} ms, exact after ${kappa[i].timeToExactMs} ms, ${Math.round(kappa[i].throughput ?? 0)}/s, workers ${kappa[i].workerCpuMean?.toFixed(2)} cores, load ${kappa[i].load?.toFixed(1)}`).join(' | ')}`,
    );
    console.log(`      verdicts: ${JSON.stringify(record.comparisons)}`);
    assert.equal(record.runs.length, 2);
    for (const [i, r] of kappa.entries()) {
      assert.ok(r.caughtUp, `setting ${i}: kappa caught up with the backlog`);
      assert.ok(r.events >= 300_000, `setting ${i}: the backlog was counted: ${r.events}`);
      assert.ok((r.throughput ?? 0) > 0, `setting ${i}: a throughput was measured`);
    }
    const verdict = record.comparisons.find((c) => c.pipeline === 'kappa' && c.setting === 1)!;
    assert.ok(['faster', 'slower', 'no difference'].includes(verdict.verdict), verdict.verdict);
    assert.ok(Math.abs(verdict.ratio! - kappa[1].throughput! / kappa[0].throughput!) < 1e-9);
    assert.match(verdict.reason, /× the throughput of 1 worker × 1 core per job/);

    // Each setting's throughput is the series' own: recompute it from the CSV the run wrote.
    const [header, ...rows] = (await fs.readFile(path.join(folder, 'scale-series.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    for (const [i, r] of record.runs.entries()) {
      const mine = rows.filter((row) => Number(row[col('setting')]) === i && row[col('kappa_processed')] !== '');
      const first = mine.find((row) => Number(row[col('kappa_processed')]) > r.before.kappa!)!;
      const exact = mine.find((row) => Number(row[col('kappa_processed')]) >= r.target)!;
      const throughput =
        ((Number(exact[col('kappa_processed')]) - Number(first[col('kappa_processed')])) * 1000) / (Number(exact[col('at_ms')]) - Number(first[col('at_ms')]));
      assert.ok(Math.abs(throughput - kappa[i].throughput!) < 1e-6, `setting ${i}: ${kappa[i].throughput} = ${throughput} from the series`);
    }
    const report = await fs.readFile(path.join(folder, 'scale-report.md'), 'utf8');
    assert.ok(report.includes(`**${verdict.verdict}**. ${verdict.reason}.`), report.slice(0, 1500));
    for (const plot of ['throughput', 'catch-up']) assert.match(await fs.readFile(path.join(folder, `scale-${plot}.svg`), 'utf8'), /^<svg /, plot);
    const shown = await api.experiment();
    assert.ok(shown?.kind === 'scale' && shown.folder === folder, 'the Experiments tab shows this run');
    assert.equal(shown.comparisons[0].verdict, verdict.verdict);

    // The lab is left on the memory profile's settings: one core per job again, and still exact.
    const ids = (
      await docker([
        'ps',
        '--quiet',
        '--filter',
        `label=com.docker.compose.project=${STACKS.kappa.composeProject}`,
        '--filter',
        'label=com.docker.compose.service=kappa-stream',
      ])
    ).stdout.trim();
    assert.match((await docker(['inspect', '--format', '{{json .Args}}', ids])).stdout, /spark\.cores\.max=1"/);
    await generate(2_000);
    await comparisonWhere('kappa exact after the scale experiment', (x) => exactFor(x, ['validation', 'kappa']), 600_000);
    await fs.rm(path.join(repoRoot, 'test-results', 'scale'), { recursive: true, force: true });
    await fs.cp(folder, path.join(repoRoot, 'test-results', 'scale'), { recursive: true });
    await fs.rm(folder, { recursive: true, force: true });
  });
});
