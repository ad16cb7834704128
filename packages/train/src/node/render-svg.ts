// Vega-Lite spec → SVG text in Node, with vega's headless renderer (no canvas, no browser).
// vega and vega-lite (~23 MB installed) are optional peer dependencies of @backprop/train, needed
// only here: they are imported on first use, and their absence is an error that says what to install.
import type { VegaLiteSpec } from '../charts.js';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let renderer: Promise<{ vega: Vega; vegaLite: VegaLite }> | null = null;

async function loadRenderer(): Promise<{ vega: Vega; vegaLite: VegaLite }> {
  try {
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, vegaLite };
  } catch (err) {
    throw new Error(
      `renderSvg: the SVG charts need the optional peer dependencies 'vega' and 'vega-lite' (npm install vega vega-lite); importing them failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  renderer ??= loadRenderer().catch((err: unknown) => {
    renderer = null; // try again next time (the user may install them meanwhile)
    throw err;
  });
  const { vega, vegaLite } = await renderer;
  const view = new vega.View(vega.parse(vegaLite.compile(spec as unknown as Parameters<VegaLite['compile']>[0]).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
