// What the CLI prints: plain tables for people, JSON for scripts, and exit codes that mean something.
import { PIPELINE_LABELS, PIPELINES, type Comparison } from '../core/comparison';
import { formatCount } from '../core/format';

export const EXIT = {
  ok: 0,
  /** Something failed (Docker away, a stack that did not come up, bad input): the message says what to do. */
  failed: 1,
  /** Wrong command line. */
  usage: 2,
  /** `compare`: a complete pipeline does not equal the truth. */
  notExact: 3,
} as const;

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The comparison as the panel's answer table: per snack, the truth and each pipeline's count. */
export function comparisonTable(comparison: Comparison): string {
  const present = PIPELINES.filter((p) => comparison.totals[p].present);
  const header = ['snack', 'truth', ...present.map((p) => PIPELINE_LABELS[p])];
  const rows = comparison.rows.map((row) => [row.snack, formatCount(row.truth), ...present.map((p) => formatCount(row.cells[p].count))]);
  const totals = ['total', formatCount(comparison.truthTotal), ...present.map((p) => formatCount(comparison.totals[p].total))];
  const verdict = [
    'exact',
    '',
    ...present.map((p) => ({ true: 'yes', false: 'NO', null: '-' })[String(comparison.totals[p].exact) as 'true' | 'false' | 'null']),
  ];
  const lines = [table([header, ...rows, totals, verdict])];
  if (comparison.outside) {
    lines.push(`${formatCount(comparison.outside.valid)} valid and ${formatCount(comparison.outside.invalid)} invalid messages produced outside the generator`);
  }
  return lines.join('\n');
}

/** Every complete pipeline that has data equals the truth (and there is a truth). */
export function everyPipelineExact(comparison: Comparison): boolean {
  const judged = PIPELINES.map((p) => comparison.totals[p]).filter((t) => t.present && !t.partial);
  return comparison.truthTotal !== null && judged.length > 0 && judged.every((t) => t.exact === true);
}
