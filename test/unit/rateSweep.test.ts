import * as assert from 'node:assert/strict';
import { percentile } from '../../src/core/comparisonSeries';
import { analyzeStep, chokePoints, rateSweepPlan, slopePerSecond, type StepMeasurement } from '../../src/core/experiments/rateSweep';

const step = (index: number, offeredRate: number) => ({ index, offeredRate, holdMs: 10_000 });
/** A pipeline processing `rate`/s while `offered`/s arrive, sampled every second for 10 s. */
const samples = (rate: number, offered: number, freshnessMs = 500) =>
  Array.from({ length: 11 }, (_, i) => ({ at: i * 1000, processed: rate * i, lag: Math.max(0, (offered - rate) * i), freshnessMs }));

describe('rate sweep plan and analysis', () => {
  it('doubles the offered rate from the start rate, step by step', () => {
    assert.deepEqual(
      rateSweepPlan({ startRate: 500, factor: 2, steps: 4, holdMs: 1000 }).map((s) => s.offeredRate),
      [500, 1000, 2000, 4000],
    );
    assert.throws(() => rateSweepPlan({ factor: 1 }), /factor > 1/);
  });

  it('measures slope and percentiles', () => {
    assert.equal(
      slopePerSecond([
        [0, 0],
        [1000, 50],
        [2000, 100],
      ]),
      50,
    );
    assert.equal(slopePerSecond([[0, 7]]), 0);
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([], 95), null);
  });

  it('finds the first step where a pipeline falls behind, and names the container at its CPU limit', () => {
    const measurements: StepMeasurement[] = [
      { step: step(0, 1000), generatorRate: 1000, pipelines: { kappa: samples(1000, 1000), speed: samples(1000, 1000) }, containers: [] },
      {
        step: step(1, 2000),
        generatorRate: 2000,
        pipelines: { kappa: samples(2000, 2000), speed: samples(1200, 2000) },
        containers: [
          { name: 'kafka', cpuCores: 0.3, cpuLimitCores: 1, memoryBytes: 1, pipeline: undefined },
          { name: 'speed-layer', cpuCores: 0.97, cpuLimitCores: 1, memoryBytes: 1, pipeline: 'speed' },
        ],
      },
    ];
    const [speed] = chokePoints(measurements, 10_000);
    assert.equal(chokePoints(measurements, 10_000).length, 1, 'kappa kept up');
    assert.equal(speed.pipeline, 'speed');
    assert.equal(speed.step.offeredRate, 2000);
    assert.match(speed.reason, /speed-layer is at its CPU limit/);
    assert.equal(Math.round(analyzeStep(measurements[1], 10_000).find((r) => r.pipeline === 'speed')!.throughput), 1200);
  });

  it('blames the generator when it did not send the offered rate, and a freshness limit counts as choking', () => {
    const [point] = chokePoints([{ step: step(0, 4000), generatorRate: 2500, pipelines: { kappa: samples(2500, 2500, 20_000) }, containers: [] }], 10_000);
    assert.match(point.reason, /the generator sent 2500 of 4000/);
  });

  it('names a saturated machine when no container is at its limit but the load average passes the cores', () => {
    const [point] = chokePoints(
      [
        {
          step: step(0, 4000),
          generatorRate: 4000,
          pipelines: { kappa: samples(2500, 4000) },
          containers: [{ name: 'kafka', cpuCores: 0.6, memoryBytes: 1 }],
          machineCores: 2,
          machineLoad: 9.5,
        },
      ],
      10_000,
    );
    assert.match(point.reason, /the machine is saturated: load average 9\.5 on 2 cores/);
  });
});
