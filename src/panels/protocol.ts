// The messages between the comparison panel's host (src/panels/comparisonPanel.ts) and its page
// (media/comparison/main.ts). Both sides import this file; the page bundle gets it through esbuild.
import type { Comparison, StackName } from '../core/comparison';
import type { ChartId } from '../core/comparisonExport';
import type { SeriesPoint } from '../core/comparisonSeries';
import type { ExperimentView } from '../core/experiments/experimentView';

export const COMPARISON_VIEW_TYPE = 'archlab.comparison';

/** What the host tells the page. */
export type HostToPage =
  /** A new sample, with the comparison of the snapshot it came from. */
  | { type: 'snapshot'; point: SeriesPoint; comparison: Comparison }
  /** Everything the host holds, for a page that (re)loaded. */
  | { type: 'restore'; points: SeriesPoint[]; comparison: Comparison | null; refreshMs: number; error: string | null }
  /** Reading failed (the page keeps the last figures and shows the message); null once it works again. */
  | { type: 'status'; error: string | null }
  /** The host needs the charts as PNG images for an export. */
  | { type: 'collectCharts'; requestId: number }
  | { type: 'exported'; folder: string; files: string[] }
  /** The latest experiment, for the Experiments tab (null: none yet). */
  | { type: 'experiment'; experiment: ExperimentView | null; reveal: boolean }
  | { type: 'exportFailed'; message: string };

/** What the page tells the host. */
export type PageToHost =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** The user asked for an export (the host asks for a folder, then collects the charts). */
  | { type: 'export' }
  /** Reply to collectCharts: PNG data URLs of the charts that have data, and the freshness window the page shows. */
  | { type: 'charts'; requestId: number; charts: Partial<Record<ChartId, string>>; windowMs: number | null }
  | { type: 'clearSeries' }
  | { type: 'openStack'; stack: StackName }
  | { type: 'runRateSweep' }
  | { type: 'openExperimentReport' };

/** The page's own state, kept by VS Code across reloads (getState/setState): UI choices only, never data. */
export interface PageState {
  /** Freshness p50/p95 window in ms; null: the whole series. */
  windowMs: number | null;
}

const STACKS: readonly string[] = ['lambda', 'kappa'];

/** Checks a message from the page: the page is trusted code, but a bad message must not crash the host. */
export function isPageToHost(value: unknown): value is PageToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'refresh':
    case 'export':
    case 'clearSeries':
    case 'runRateSweep':
    case 'openExperimentReport':
      return true;
    case 'charts':
      return typeof m.requestId === 'number' && typeof m.charts === 'object' && m.charts !== null && (m.windowMs === null || typeof m.windowMs === 'number');
    case 'openStack':
      return typeof m.stack === 'string' && STACKS.includes(m.stack);
    default:
      return false;
  }
}

export function isHostToPage(value: unknown): value is HostToPage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return ['snapshot', 'restore', 'status', 'collectCharts', 'exported', 'exportFailed', 'experiment'].includes(type as string);
}
