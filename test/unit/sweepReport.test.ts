import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { rateSweepPlan, type RateSweepOptions } from '../../src/core/experiments/rateSweep';
import { SWEEP_FILES, sweepMarkdown, sweepSeriesCsv, sweepStepsCsv } from '../../src/core/experiments/sweepReport';
import { summarizeSweep, type RateSweepResult, type SweepSample } from '../../src/core/experiments/sweepResult';
import { readSweep, writeSweep } from '../../src/services/experiments/sweepFiles';

const options: RateSweepOptions = { startRate: 1000, factor: 2, steps: 3, holdMs: 10_000, freshnessLimitMs: 5_000 };
const plan = rateSweepPlan(options);

/** Kappa counts everything up to 2,500/s; validation keeps up at every step. One sample per second. */
function samples(): SweepSample[] {
  const out: SweepSample[] = [];
  let at = 0;
  let produced = 0;
  let kappa = 0;
  for (const step of plan) {
    for (let i = 0; i < 10; i++) {
      at += 1000;
      produced += step.offeredRate;
      kappa = Math.min(produced, kappa + 2500);
      out.push({
        at,
        step: step.index,
        offeredRate: step.offeredRate,
        generatorAcked: produced,
        produced,
        pipelines: {
          kappa: { processed: kappa, lag: produced - kappa, freshnessMs: 400 + (produced - kappa) / 2.5 },
          validation: { processed: produced - 100, lag: 100, freshnessMs: 300 },
        },
        containers: [{ name: 'archlab-kappa-kappa-1', cpuCores: step.index === 2 ? 1.9 : 0.5, memoryBytes: 500 * 2 ** 20, pipeline: 'kappa' }],
      });
    }
  }
  return out;
}

function result(): RateSweepResult {
  const s = samples();
  return {
    experiment: 'rate-sweep',
    formatVersion: 1,
    options,
    seed: 7,
    startedAt: 0,
    finishedAt: 30_000,
    complete: true,
    machine: { cores: 2, memoryBytes: 24 * 2 ** 30, loadAtStart: 1, loadAtEnd: 2, platform: 'test' },
    stacks: ['kappa'],
    samples: s,
    ...summarizeSweep(plan, s, options, 2),
  };
}

describe('rate sweep record and report (computed from the samples)', () => {
  it('finds the step where kappa falls behind, with the reason, and that validation kept up', () => {
    const r = result();
    assert.deepEqual(
      r.chokePoints.map((c) => [c.pipeline, c.step.offeredRate]),
      [['kappa', 4000]],
    );
    assert.match(r.chokePoints[0].reason, /machine's 2 cores are busy/);
    assert.deepEqual(r.keptUp, ['validation']);
    const top = r.steps[2].pipelines.find((p) => p.pipeline === 'kappa')!;
    assert.equal(Math.round(top.throughput), 2500, 'throughput is what kappa counted per second in the step');
    assert.equal(Math.round(top.lagSlope), 1500, 'lag grows by offered − counted per second');
    assert.equal(Math.round(r.steps[0].generatorRate), 1000);
  });

  it('writes one CSV row per sample and per step and pipeline, and a report that names the choke point', () => {
    const r = result();
    assert.equal(sweepSeriesCsv(r).trim().split('\n').length, 1 + r.samples.length);
    const steps = sweepStepsCsv(r).trim().split('\n');
    assert.equal(steps.length, 1 + 3 * 2);
    assert.match(
      steps.find((l) => l.startsWith('2,4000,') && l.includes(',kappa,'))!,
      /,2500,1500,/,
    );
    const report = sweepMarkdown(r, [{ title: 'Throughput', file: 'rate-sweep-throughput.svg' }]);
    assert.match(report, /\*\*Kappa\*\* chokes at 4,000 events\/s \(step 3\)/);
    assert.match(report, /\*\*Validation\*\* kept up at every step/);
    assert.match(report, /!\[Throughput\]\(rate-sweep-throughput\.svg\)/);
  });

  it('writes the record, CSVs, SVG plots drawn by Vega-Lite and the report to a folder, and reads the record back', async function () {
    this.timeout(30_000);
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'archlab-sweep-'));
    const files = await writeSweep(result(), folder);
    assert.ok(files.some((f) => f.endsWith(SWEEP_FILES.report)));
    const svg = await fs.readFile(path.join(folder, 'rate-sweep-throughput.svg'), 'utf8');
    assert.match(svg, /^<svg /);
    assert.match(svg, /offered events\/s/, 'the axis title is drawn');
    assert.equal((await readSweep(folder)).samples.length, 30);
    await fs.writeFile(path.join(folder, SWEEP_FILES.result), '{"experiment":"other"}');
    await assert.rejects(readSweep(folder), /not a rate-sweep record/);
    await fs.rm(folder, { recursive: true, force: true });
  });
});
