import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseScaleSetting, scaleEnv, type ScaleOptions } from '../../src/core/experiments/scale';
import { SCALE_FILES, scaleMarkdown, scaleSettingsCsv } from '../../src/core/experiments/scaleReport';
import { analyzeScaleRun, compareScale, type ScaleResult, type ScaleSettingRun } from '../../src/core/experiments/scaleResult';
import { memoryEnv } from '../../src/core/stacks';
import { experimentIn } from '../../src/services/experiments/experimentFiles';
import { readScale, readScaleView, writeScale } from '../../src/services/experiments/scaleFiles';

/** A setting's run: the jobs start at 0, count nothing for `startupMs`, then `rate` events/s until the target. */
function run(setting: string, rate: number, workerCpu: number, startupMs = 20_000, load = 1): ScaleSettingRun {
  const before = 1_000_000;
  const target = before + 300_000;
  const progress: ScaleSettingRun['progress'] = [];
  for (let at = 0; ; at += 1000) {
    const processed = at < startupMs ? before : Math.min(target, before + ((at - startupMs) / 1000 + 1) * rate);
    progress.push({ at, processed: { kappa: processed }, load });
    if (processed >= target) break;
  }
  const loads = progress.map((p) => ({
    at: p.at,
    containers: [
      { name: 'archlab-kappa-spark-worker-1', cpuCores: workerCpu, memoryBytes: 700 * 2 ** 20, memoryLimitBytes: 1600 * 2 ** 20 },
      { name: 'archlab-kappa-kappa-stream-1', cpuCores: 0.2, memoryBytes: 400 * 2 ** 20, pipeline: 'kappa' },
    ],
  }));
  const last = progress[progress.length - 1].at;
  return { setting: parseScaleSetting(setting), startedAt: 0, jobsUpAt: 15_000, target, before: { kappa: before }, progress, loads, finishedAt: last };
}

describe('scale experiment: settings, analysis and report', () => {
  it('parses workers:cores:memory and refuses what cannot run', () => {
    assert.deepEqual(parseScaleSetting('2:2:1G'), {
      sparkWorkers: 2,
      coresPerJob: 2,
      executorMemory: '1g',
      label: '2 workers × 2 cores per job, 1g executors',
    });
    assert.throws(() => parseScaleSetting('2x2'), /workers:cores:memory/);
    assert.throws(() => parseScaleSetting('0:1:512m'), /between 1 and 4 Spark workers/);
    assert.throws(() => parseScaleSetting('1:1:100m'), /executor memory/);
  });

  it('the baseline setting is the memory profile itself; a larger one grows the workers so both apps fit', () => {
    const base = memoryEnv('kappa', 'standard');
    const same = scaleEnv(parseScaleSetting('1:1:512m'), base);
    for (const [key, value] of Object.entries(same)) assert.equal(value, base[key], key);
    const big = scaleEnv(parseScaleSetting('2:2:1g'), base);
    assert.equal(big.ARCHLAB_SPARK_WORKERS, '2');
    assert.equal(big.ARCHLAB_SPARK_WORKER_CORES, '4');
    assert.equal(big.ARCHLAB_SPARK_WORKER_MEMORY, '2048m');
    assert.equal(big.ARCHLAB_SPARK_WORKER_MEM, '2624m');
  });

  it('measures start-up, catch-up and throughput from the samples, the start-up apart', () => {
    const [r] = analyzeScaleRun(run('1:1:512m', 10_000, 0.9));
    assert.equal(r.startupMs, 20_000);
    assert.equal(r.events, 300_000);
    assert.ok(r.caughtUp);
    assert.equal(r.catchUpMs, 29_000);
    assert.equal(r.throughput, (290_000 * 1000) / 29_000);
    assert.equal(r.timeToExactMs, 49_000);
    assert.ok(Math.abs(r.workerCpuMean! - 0.9) < 1e-9);
    assert.equal(r.workerMemoryLimitBytes, 1600 * 2 ** 20);
  });

  it('a faster setting is "faster"; one within the noise says why not, from what was measured', () => {
    const settings = ['1:1:512m', '1:2:512m', '1:1:1g'].map(parseScaleSetting);
    const results = [run('1:1:512m', 10_000, 0.9), run('1:2:512m', 16_000, 1.8), run('1:1:1g', 10_500, 0.9)].map(analyzeScaleRun);
    const [cores, memory] = compareScale(settings, results, 2);
    assert.equal(cores.verdict, 'faster');
    assert.ok(cores.ratio! > 1.5);
    assert.match(cores.reason, /the workers used 1\.80 cores against 0\.90/);
    assert.equal(memory.verdict, 'no difference');
    assert.match(memory.reason, /memory was not the limit/);

    const idle = [run('1:1:512m', 10_000, 0.9), run('1:2:512m', 10_200, 1.0)].map(analyzeScaleRun);
    const [notCpu] = compareScale(settings.slice(0, 2), idle, 2);
    assert.equal(notCpu.verdict, 'no difference');
    assert.match(notCpu.reason, /used 1\.00 cores of the 2 they were given/);
    const busy = [run('1:1:512m', 10_000, 0.9, 20_000, 9), run('1:2:512m', 9_000, 1.7, 20_000, 9)].map(analyzeScaleRun);
    assert.match(compareScale(settings.slice(0, 2), busy, 2)[0].reason, /the machine was saturated \(load average 9\.0 on 2 cores\)/);
  });

  it('a setting that never caught up is "not measured", with the reason', () => {
    const stuck = run('1:2:512m', 10_000, 1);
    stuck.progress = stuck.progress.slice(0, 10);
    const results = [run('1:1:512m', 10_000, 0.9), stuck].map(analyzeScaleRun);
    const [c] = compareScale(['1:1:512m', '1:2:512m'].map(parseScaleSetting), results, 2);
    assert.equal(c.verdict, 'not measured');
    assert.match(c.reason, /did not catch up/);
  });

  it('writes the record, CSVs, plots and report; reads them back, and the folder is known as a scale run', async function () {
    this.timeout(60_000);
    const options: ScaleOptions = { settings: ['1:1:512m', '1:2:512m'].map(parseScaleSetting), backlogEvents: 300_000, timeoutMs: 60_000 };
    const runs = [run('1:1:512m', 10_000, 0.9), run('1:2:512m', 16_000, 1.8)];
    const results = runs.map(analyzeScaleRun);
    const result: ScaleResult = {
      experiment: 'scale',
      formatVersion: 1,
      options,
      seed: 7,
      startedAt: 0,
      finishedAt: 100_000,
      complete: true,
      machine: { cores: 2, memoryBytes: 24 * 2 ** 30, loadAtStart: 1, loadAtEnd: 2, platform: 'test' },
      stacks: ['kappa'],
      runs,
      results,
      comparisons: compareScale(options.settings, results, 2),
    };
    const csv = scaleSettingsCsv(result).trim().split('\n');
    assert.equal(csv.length, 3);
    assert.equal(csv[2].split(',')[10], (results[1][0].throughput ?? 0).toFixed(1));
    assert.match(scaleMarkdown(result), /\*\*Kappa\*\*, 1 worker × 2 cores per job, 512m executors: \*\*faster\*\*/);

    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'archlab-scale-unit-'));
    try {
      const files = await writeScale(result, folder);
      assert.ok(files.some((f) => f.endsWith(SCALE_FILES.report)));
      assert.match(await fs.readFile(path.join(folder, 'scale-throughput.svg'), 'utf8'), /^<svg /);
      assert.deepEqual(await readScale(folder), JSON.parse(JSON.stringify(result)));
      assert.equal(await experimentIn(folder), 'scale');
      const view = await readScaleView(folder);
      assert.equal(view.kind, 'scale');
      assert.equal(view.plots.length, 2);
      await fs.writeFile(path.join(folder, SCALE_FILES.result), '{"experiment":"rate-sweep","formatVersion":1}');
      await assert.rejects(readScale(folder), /not a scale record/);
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});
