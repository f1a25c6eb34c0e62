// The record an experiment wrote in a folder, read back (with errors that say what to do), and `archlab report`
// for whichever experiment the folder holds.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { UserFacingError } from '../../core/errors';
import { SCALE_FILES } from '../../core/experiments/scaleReport';
import { SWEEP_FILES } from '../../core/experiments/sweepReport';

/** Reads `file` of `folder` as the record of `experiment` (format version 1), or says what is wrong with it. */
export async function readRecord<T>(folder: string, file: string, experiment: string, isValid: (record: T) => boolean): Promise<T> {
  const where = path.join(folder, file);
  let text: string;
  try {
    text = await fs.readFile(where, 'utf8');
  } catch {
    throw new UserFacingError(`No ${experiment} experiment in ${folder}: ${file} is missing. Run "archlab experiment ${experiment} --out ${folder}" first.`);
  }
  let record: T & { experiment?: unknown; formatVersion?: unknown };
  try {
    record = JSON.parse(text) as T & { experiment?: unknown; formatVersion?: unknown };
  } catch {
    throw new UserFacingError(`${where} is not valid JSON: write it again with "archlab experiment ${experiment}".`);
  }
  if (record.experiment !== experiment || record.formatVersion !== 1 || !isValid(record)) {
    throw new UserFacingError(`${where} is not a ${experiment} record this version of Archlab reads.`);
  }
  return record;
}

export type ExperimentKind = 'rate-sweep' | 'scale';

/** Which experiment a folder holds (the newest record when it holds both). */
export async function experimentIn(folder: string): Promise<ExperimentKind> {
  const times = await Promise.all(
    (
      [
        ['rate-sweep', SWEEP_FILES.result],
        ['scale', SCALE_FILES.result],
      ] as const
    ).map(async ([kind, file]) => ({ kind, at: (await fs.stat(path.join(folder, file)).catch(() => undefined))?.mtimeMs })),
  );
  const found = times.filter((t) => t.at !== undefined).sort((a, b) => b.at! - a.at!);
  if (found.length === 0) {
    throw new UserFacingError(
      `No experiment in ${folder}: neither ${SWEEP_FILES.result} nor ${SCALE_FILES.result} is there. Run "archlab experiment …" first.`,
    );
  }
  return found[0].kind;
}

/** The plots a report wrote, as SVG text (a plot that is missing or not an SVG is left out). */
export async function readPlots(folder: string, charts: readonly { title: string; file: string }[]): Promise<{ title: string; svg: string }[]> {
  const plots = await Promise.all(
    charts.map(async (chart) => ({ title: chart.title, svg: await fs.readFile(path.join(folder, chart.file), 'utf8').catch(() => '') })),
  );
  return plots.filter((p) => p.svg.startsWith('<svg'));
}
