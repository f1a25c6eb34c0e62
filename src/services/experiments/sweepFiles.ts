// A rate sweep's files in a folder: the record (JSON), its CSVs, the plots (SVG) and the Markdown report. The
// report can be written again from the record alone (`archlab report <folder>`).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { chartsBundle } from '../../clients/bundles';
import {
  sweepCharts,
  sweepContainersCsv,
  SWEEP_FILES,
  sweepMarkdown,
  sweepSeriesCsv,
  sweepStepsCsv,
  sweepView,
  type SweepView,
} from '../../core/experiments/sweepReport';
import type { ExperimentView } from '../../core/experiments/experimentView';
import type { RateSweepResult } from '../../core/experiments/sweepResult';
import { experimentIn, readPlots, readRecord } from './experimentFiles';
import { readScaleView, writeScaleReport } from './scaleFiles';

/** Writes the record, then the report and everything it shows; returns the files written (absolute paths). */
export async function writeSweep(result: RateSweepResult, folder: string): Promise<string[]> {
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, SWEEP_FILES.result), `${JSON.stringify(result, null, 2)}\n`);
  return [path.join(folder, SWEEP_FILES.result), ...(await writeSweepReport(folder, result))];
}

/** The CSVs, plots and report from the record in `folder` (or the one given). */
export async function writeSweepReport(folder: string, result?: RateSweepResult): Promise<string[]> {
  const record = result ?? (await readSweep(folder));
  const charts = sweepCharts(record);
  const files: [string, string][] = [
    [SWEEP_FILES.series, sweepSeriesCsv(record)],
    [SWEEP_FILES.containers, sweepContainersCsv(record)],
    [SWEEP_FILES.steps, sweepStepsCsv(record)],
  ];
  const { renderSvg } = chartsBundle();
  for (const chart of charts) files.push([chart.file, await renderSvg(chart.spec)]);
  files.push([SWEEP_FILES.report, sweepMarkdown(record, charts)]);
  await Promise.all(files.map(([name, text]) => fs.writeFile(path.join(folder, name), text)));
  return files.map(([name]) => path.join(folder, name));
}

export function readSweep(folder: string): Promise<RateSweepResult> {
  return readRecord<RateSweepResult>(folder, SWEEP_FILES.result, 'rate-sweep', (r) => Array.isArray(r.samples));
}

/** The experiment in `folder`, whichever kind, as the Experiments tab shows it. */
export async function readExperimentView(folder: string): Promise<ExperimentView> {
  return (await experimentIn(folder)) === 'scale' ? readScaleView(folder) : readSweepView(folder);
}

/** `archlab report`: the report of whichever experiment the folder holds. */
export async function writeExperimentReport(folder: string): Promise<string[]> {
  return (await experimentIn(folder)) === 'scale' ? writeScaleReport(folder) : writeSweepReport(folder);
}

/** The sweep in `folder` as the comparison panel shows it: its record's figures and the plots it wrote. */
export async function readSweepView(folder: string): Promise<SweepView> {
  const record = await readSweep(folder);
  return sweepView(record, folder, await readPlots(folder, sweepCharts(record)));
}
