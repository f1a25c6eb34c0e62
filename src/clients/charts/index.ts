// Plots for reports, drawn without a browser: a Vega-Lite specification compiled to Vega and rendered as SVG.
// Loaded on first use (dist/charts.js), like the other heavy clients.
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';

/** The SVG text of a Vega-Lite specification whose data is inlined. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
