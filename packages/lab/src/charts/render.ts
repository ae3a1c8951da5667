// vega-lite → vega → SVG, headless: the 'none' renderer builds the scene
// graph without a canvas, and toSVG() serialises it. Text widths are
// estimated (no font metrics without a canvas), which is fine for axes.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { ChartSpec } from './specs.js';

export async function renderSvg(chart: ChartSpec): Promise<string> {
  const { spec } = compile(chart.spec);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
