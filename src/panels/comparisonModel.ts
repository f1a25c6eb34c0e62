// What the comparison panel's host holds: the series of samples (kept across panel reloads and, in the
// workspace state, across window reloads), the latest comparison and the last read error.
import { compare, type Comparison, type ComparisonSnapshot } from '../core/comparison';
import { CHART_IDS, CHARTS, comparisonJson, EXPORT_FILES, markdownReport, timeSeriesCsv, type ChartId } from '../core/comparisonExport';
import { SeriesStore, summarize, type SeriesPoint } from '../core/comparisonSeries';

/** The part of vscode.Memento the model needs (workspaceState). */
export interface SeriesMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const STATE_KEY = 'archlab.comparison.state';

/** What is saved in the workspace state. */
interface SavedState {
  version: 1;
  points: SeriesPoint[];
  latest: Comparison | null;
}
/** Save every this many samples (one minute at 2 s); the panel also saves when it is hidden, closed or exported. */
const SAVE_EVERY = 30;

export class ComparisonModel {
  readonly store = new SeriesStore();
  latest: Comparison | null = null;
  error: string | null = null;
  private unsaved = 0;

  constructor(private readonly memento?: SeriesMemento) {
    const saved = memento?.get<SavedState>(STATE_KEY);
    if (saved?.version === 1 && Array.isArray(saved.points)) {
      this.store.restore(saved.points);
      this.latest = saved.latest ?? null;
    }
  }

  /** Adds a snapshot; returns the new sample (undefined when it was not newer than the latest one). */
  add(snapshot: ComparisonSnapshot): { point: SeriesPoint; comparison: Comparison } | undefined {
    const point = this.store.add(snapshot);
    if (!point) return undefined;
    this.latest = compare(snapshot);
    this.error = null;
    if (++this.unsaved >= SAVE_EVERY) void this.save();
    return { point, comparison: this.latest };
  }

  clear(): void {
    this.store.clear();
    void this.save();
  }

  /** Saves the series (without the container figures: they would make it several times larger) and the latest comparison. */
  async save(): Promise<void> {
    this.unsaved = 0;
    const state: SavedState = { version: 1, points: this.store.points.map(({ containers: _containers, ...rest }) => rest), latest: this.latest };
    await this.memento?.update(STATE_KEY, state);
  }

  /** The files of an export: name → content. Chart images are PNG data URLs from the page. */
  exportFiles(charts: Partial<Record<ChartId, string>>, windowMs: number | null, now: number): Map<string, Uint8Array> {
    const points = this.store.points;
    const summary = summarize(points, windowMs ?? undefined);
    const files = new Map<string, Uint8Array>();
    const images: ChartId[] = [];
    for (const id of CHART_IDS) {
      const bytes = charts[id] === undefined ? undefined : pngBytes(charts[id]);
      if (!bytes) continue;
      images.push(id);
      files.set(CHARTS[id].file, bytes);
    }
    const text = (s: string) => new TextEncoder().encode(s);
    files.set(EXPORT_FILES.csv, text(timeSeriesCsv(points)));
    files.set(EXPORT_FILES.json, text(comparisonJson({ comparison: this.latest ?? undefined, summary, points, exportedAt: now })));
    files.set(EXPORT_FILES.report, text(markdownReport({ comparison: this.latest ?? undefined, summary, points, charts: images, generatedAt: now })));
    return files;
  }
}

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** The bytes of a PNG data URL; undefined for anything else. */
export function pngBytes(dataUrl: string): Uint8Array | undefined {
  const match = PNG_DATA_URL.exec(dataUrl);
  if (!match) return undefined;
  const bytes = Buffer.from(match[1], 'base64');
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b) ? new Uint8Array(bytes) : undefined;
}
