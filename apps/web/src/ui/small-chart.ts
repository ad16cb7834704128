// A small chart drawn once as SVG (no live updates, no tooltips), for the per-layer views
// (layer-stats.ts, layer-activity.ts), which redraw whole on each new point.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { el } from './dom.js';

/** The width small charts take in `container`: its width less the legend's margin, 180–520 px. */
export const smallChartWidth = (container: HTMLElement): number => Math.max(180, Math.min(520, container.clientWidth - 60));

/** `spec` rendered into a new `.chart.small` element (the vega view is finalized once drawn). */
export async function smallChart(spec: object): Promise<HTMLElement> {
  const host = el('div', { class: 'chart small' });
  const view = new View(parse(compile(spec as TopLevelSpec).spec), { renderer: 'svg', container: host });
  await view.runAsync();
  view.finalize();
  return host;
}
