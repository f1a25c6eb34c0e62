// The comparison's charts over time (uPlot, canvas): counts, freshness, throughput and container CPU/memory.
// Colours come from the theme's --vscode-charts-* variables; line dashes tell the series apart without colour.
import uPlot from 'uplot';
import { COMPLETE_PIPELINES, PIPELINE_LABELS, PIPELINES, type Pipeline } from '../../src/core/comparison';
import { formatCount } from '../../src/core/format';
import { CHARTS, type ChartId } from '../../src/core/comparisonExport';
import type { SeriesPoint } from '../../src/core/comparisonSeries';

type Values = (number | null)[];

interface SeriesDef {
  label: string;
  colour: string;
  dash?: number[];
  width?: number;
  values: Values;
}

interface ChartDef {
  id: ChartId;
  unit: string;
  format(value: number): string;
  /** Whole numbers only on the value axis (counts). */
  integer?: boolean;
  series: SeriesDef[];
}

/** Tick steps: whole seconds on the time axis, whole numbers for counts. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const INTEGER_STEPS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b);
const clock = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function latest(values: ArrayLike<number | null | undefined>): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

const PIPELINE_STYLE: Record<Pipeline, { colour: string; dash?: number[]; width?: number }> = {
  validation: { colour: 'green', dash: [6, 3] },
  lambdaBatch: { colour: 'orange', dash: [2, 3] },
  lambdaSpeed: { colour: 'yellow', dash: [8, 3, 2, 3] },
  lambdaServing: { colour: 'purple', width: 2 },
  kappa: { colour: 'blue', width: 2 },
};
const PALETTE = ['blue', 'green', 'orange', 'purple', 'yellow', 'red'];
const DASHES: (number[] | undefined)[] = [undefined, [6, 3], [2, 3], [8, 3, 2, 3]];

const FALLBACK: Record<string, string> = {
  blue: '#3794ff',
  green: '#89d185',
  orange: '#d18616',
  purple: '#b180d7',
  yellow: '#cca700',
  red: '#f14c4c',
  foreground: '#cccccc',
  lines: '#80808059',
};

function themeColour(name: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-charts-${name}`).trim();
  return value || FALLBACK[name] || FALLBACK.foreground;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
const compact = (v: number) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : Math.abs(v) >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : formatCount(v));

/** What each chart shows, from the samples. CPU and memory only when a sample carried container figures. */
export function chartDefs(points: readonly SeriesPoint[]): ChartDef[] {
  const pipelineSeries = (pipelines: readonly Pipeline[], value: (p: SeriesPoint, pipeline: Pipeline) => number | null | undefined): SeriesDef[] =>
    pipelines.map((pipeline) => ({ label: PIPELINE_LABELS[pipeline], ...PIPELINE_STYLE[pipeline], values: points.map((p) => value(p, pipeline) ?? null) }));
  const defs: ChartDef[] = [
    {
      id: 'counts',
      unit: 'events',
      format: compact,
      integer: true,
      series: [
        { label: 'Produced (truth)', colour: 'foreground', dash: [1, 2], width: 2, values: points.map((p) => p.produced) },
        ...pipelineSeries(PIPELINES, (p, pipeline) => p.totals[pipeline]),
      ],
    },
    {
      id: 'freshness',
      unit: 's',
      format: (v) => `${v.toFixed(1)} s`,
      series: pipelineSeries(COMPLETE_PIPELINES, (p, pipeline) => seconds(p.freshness[pipeline])),
    },
    {
      id: 'throughput',
      unit: 'events/s',
      format: compact,
      series: [
        { label: 'Produced (in)', colour: 'foreground', dash: [1, 2], width: 2, values: points.map((p) => p.rateIn) },
        ...pipelineSeries(COMPLETE_PIPELINES, (p, pipeline) => p.rateOut[pipeline]),
      ],
    },
  ];
  const containers = [...new Set(points.flatMap((p) => (p.containers ?? []).map((c) => c.name)))].sort();
  if (containers.length > 0) {
    const perContainer = (value: (c: { cpuPercent: number; memoryBytes: number }) => number): SeriesDef[] =>
      containers.map((name, i) => ({
        label: name,
        colour: PALETTE[i % PALETTE.length],
        dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length],
        values: points.map((p) => {
          const sample = p.containers?.find((c) => c.name === name);
          return sample ? value(sample) : null;
        }),
      }));
    defs.push({ id: 'cpu', unit: '%', format: (v) => `${v.toFixed(0)} %`, series: perContainer((c) => c.cpuPercent) });
    defs.push({ id: 'memory', unit: 'MiB', format: (v) => `${v.toFixed(0)} MiB`, series: perContainer((c) => c.memoryBytes / (1024 * 1024)) });
  }
  return defs;
}

interface Plot {
  plot: uPlot;
  /** Series labels: a different set needs a new chart. */
  key: string;
  def: ChartDef;
  figure: HTMLElement;
}

export class Charts {
  private readonly plots = new Map<ChartId, Plot>();
  private readonly figures = new Map<ChartId, HTMLElement>();
  private points: readonly SeriesPoint[] = [];

  constructor(private readonly container: HTMLElement) {
    for (const id of Object.keys(CHARTS) as ChartId[]) {
      const figure = document.createElement('figure');
      figure.className = 'chart';
      figure.id = `chart-${id}`;
      figure.hidden = true;
      const caption = document.createElement('figcaption');
      caption.textContent = CHARTS[id].title;
      const plot = document.createElement('div');
      plot.className = 'plot';
      const description = document.createElement('p');
      description.className = 'sr-only';
      figure.append(caption, plot, description);
      container.append(figure);
      this.figures.set(id, figure);
    }
    new ResizeObserver(() => this.resize()).observe(container);
  }

  update(points: readonly SeriesPoint[]): void {
    this.points = points;
    const defs = chartDefs(points);
    const shown = new Set(defs.map((d) => d.id));
    for (const [id, entry] of this.plots) {
      if (!shown.has(id)) {
        entry.plot.destroy();
        this.plots.delete(id);
      }
    }
    for (const [id, figure] of this.figures) figure.hidden = !shown.has(id);
    const xs = points.map((p) => p.at / 1000);
    for (const def of defs) {
      const data = [xs, ...def.series.map((s) => s.values)] as uPlot.AlignedData;
      const key = def.series.map((s) => s.label).join('\u0000');
      const existing = this.plots.get(def.id);
      if (existing && existing.key === key) {
        existing.def = def;
        existing.plot.setData(data);
      } else {
        existing?.plot.destroy();
        this.plots.set(def.id, this.create(def, data, key));
      }
      this.describe(def);
    }
  }

  /** The theme changed: new colours need new charts. */
  retheme(): void {
    for (const entry of this.plots.values()) entry.plot.destroy();
    this.plots.clear();
    this.update(this.points);
  }

  /** Ids of the charts that are shown. */
  shown(): ChartId[] {
    return [...this.plots.keys()];
  }

  private create(def: ChartDef, data: uPlot.AlignedData, key: string): Plot {
    const figure = this.figures.get(def.id) as HTMLElement;
    const target = figure.querySelector('.plot') as HTMLElement;
    const foreground = cssVar('--vscode-descriptionForeground', FALLBACK.foreground);
    const grid = cssVar('--vscode-panel-border', themeColour('lines'));
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
      stroke: foreground,
      font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      ...extra,
    });
    const options: uPlot.Options = {
      width: this.width(),
      height: 220,
      scales: { x: { time: true } },
      padding: [10, 36, 0, 0],
      cursor: { drag: { x: false, y: false } },
      series: [
        {
          label: 'Time',
          value: (u, v) => {
            const t = v ?? (u.cursor.idx === null || u.cursor.idx === undefined ? latest(u.data[0]) : null);
            return t === null ? '\u2014' : clock(t);
          },
        },
        ...def.series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: themeColour(s.colour),
          width: s.width ?? 1.5,
          ...(s.dash ? { dash: s.dash } : {}),
          spanGaps: false,
          points: { show: false },
          // At the cursor's sample; the latest value while the cursor is elsewhere.
          value: (u, v, seriesIdx) => {
            const shown = v ?? (u.cursor.idx === null || u.cursor.idx === undefined ? latest(u.data[seriesIdx] as Values) : null);
            return shown === null ? '\u2014' : def.format(shown);
          },
        })),
      ],
      axes: [
        axis({ incrs: TIME_STEPS, space: 80, values: (_u, splits) => splits.map(clock) }),
        axis({ size: 72, ...(def.integer ? { incrs: INTEGER_STEPS } : {}), values: (_u, splits) => splits.map((v) => def.format(v)) }),
      ],
    };
    target.replaceChildren();
    figure.dataset.colours = (options.series.slice(1).map((s) => s.stroke) as string[]).join(' ');
    return { plot: new uPlot(options, data, target), key, def, figure };
  }

  private width(): number {
    return Math.max(280, Math.floor((this.container.clientWidth || 640) - 16));
  }

  private resize(): void {
    const width = this.width();
    for (const entry of this.plots.values()) if (entry.plot.width !== width) entry.plot.setSize({ width, height: 220 });
  }

  /** A text equivalent of the chart for screen readers: each series' latest value. */
  private describe(def: ChartDef): void {
    const figure = this.figures.get(def.id) as HTMLElement;
    const values = def.series.map((s) => {
      const value = latest(s.values);
      return `${s.label} ${value === null ? 'n/a' : def.format(value)}`;
    });
    (figure.querySelector('.sr-only') as HTMLElement).textContent = `Latest values: ${values.join(', ')}.`;
    figure.setAttribute('aria-label', `${CHARTS[def.id].title} over time (${def.unit})`);
  }

  /** The chart as a PNG data URL with a title, its legend and the theme's background; undefined when not shown. */
  png(id: ChartId): string | undefined {
    const entry = this.plots.get(id);
    if (!entry) return undefined;
    const source = entry.plot.ctx.canvas;
    const ratio = source.width / Math.max(1, entry.plot.width);
    const pad = Math.round(10 * ratio);
    const line = Math.round(18 * ratio);
    const family = cssVar('--vscode-font-family', 'sans-serif');
    const canvas = document.createElement('canvas');
    const measure = canvas.getContext('2d') as CanvasRenderingContext2D;
    measure.font = `${Math.round(12 * ratio)}px ${family}`;
    // Lay the legend out in rows that fit the chart's width.
    const entries = entry.def.series.map((s) => ({ s, width: Math.round(28 * ratio) + measure.measureText(s.label).width + Math.round(16 * ratio) }));
    const rows: (typeof entries)[] = [[]];
    let used = 0;
    for (const e of entries) {
      if (used + e.width > source.width && rows[rows.length - 1].length > 0) {
        rows.push([]);
        used = 0;
      }
      rows[rows.length - 1].push(e);
      used += e.width;
    }
    canvas.width = source.width + 2 * pad;
    canvas.height = pad + line + source.height + rows.length * line + pad;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.fillStyle = cssVar('--vscode-editor-background', '#1e1e1e');
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = cssVar('--vscode-foreground', FALLBACK.foreground);
    ctx.textBaseline = 'middle';
    ctx.font = `bold ${Math.round(13 * ratio)}px ${family}`;
    ctx.fillText(`${CHARTS[id].title} (${entry.def.unit})`, pad, pad + line / 2);
    ctx.drawImage(source, pad, pad + line);
    ctx.font = `${Math.round(12 * ratio)}px ${family}`;
    rows.forEach((row, r) => {
      let x = pad;
      const y = pad + line + source.height + r * line + line / 2;
      for (const { s, width } of row) {
        ctx.strokeStyle = themeColour(s.colour);
        ctx.lineWidth = (s.width ?? 1.5) * ratio;
        ctx.setLineDash((s.dash ?? []).map((d) => d * ratio));
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 22 * ratio, y);
        ctx.stroke();
        ctx.fillText(s.label, x + 28 * ratio, y);
        x += width;
      }
    });
    return canvas.toDataURL('image/png');
  }
}
