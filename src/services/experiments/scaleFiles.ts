// A scale run's files in a folder: the record (JSON), its CSVs, the plots (SVG) and the Markdown report. The
// report can be written again from the record alone (`archlab report <folder>`).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { chartsBundle } from '../../clients/bundles';
import { SCALE_FILES, scaleCharts, scaleMarkdown, scaleSeriesCsv, scaleSettingsCsv, scaleView, type ScaleView } from '../../core/experiments/scaleReport';
import type { ScaleResult } from '../../core/experiments/scaleResult';
import { readPlots, readRecord } from './experimentFiles';

export async function writeScale(result: ScaleResult, folder: string): Promise<string[]> {
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(path.join(folder, SCALE_FILES.result), `${JSON.stringify(result, null, 2)}\n`);
  return [path.join(folder, SCALE_FILES.result), ...(await writeScaleReport(folder, result))];
}

export async function writeScaleReport(folder: string, result?: ScaleResult): Promise<string[]> {
  const record = result ?? (await readScale(folder));
  const charts = scaleCharts(record);
  const files: [string, string][] = [
    [SCALE_FILES.settings, scaleSettingsCsv(record)],
    [SCALE_FILES.series, scaleSeriesCsv(record)],
  ];
  const { renderSvg } = chartsBundle();
  for (const chart of charts) files.push([chart.file, await renderSvg(chart.spec)]);
  files.push([SCALE_FILES.report, scaleMarkdown(record, charts)]);
  await Promise.all(files.map(([name, text]) => fs.writeFile(path.join(folder, name), text)));
  return files.map(([name]) => path.join(folder, name));
}

export function readScale(folder: string): Promise<ScaleResult> {
  return readRecord<ScaleResult>(folder, SCALE_FILES.result, 'scale', (r) => Array.isArray(r.runs) && Array.isArray(r.results));
}

/** The scale run in `folder` as the comparison panel shows it: its record's figures and the plots it wrote. */
export async function readScaleView(folder: string): Promise<ScaleView> {
  const record = await readScale(folder);
  return scaleView(record, folder, await readPlots(folder, scaleCharts(record)));
}
