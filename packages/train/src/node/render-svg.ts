// Vega-Lite spec → SVG text in Node, with vega's headless renderer (no canvas, no browser).
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from '../charts.js';

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new View(parse(compile(spec as unknown as Parameters<typeof compile>[0]).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
