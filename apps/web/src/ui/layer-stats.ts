// Per-tensor statistics over time, TensorBoard-style: at every evaluation the spread (std) of each
// parameter tensor and its relative update since the previous evaluation, ‖Δw‖/‖w‖ — the
// learning-rate health check (≈1e-3 per step is the usual rule of thumb; near 0 is a stalled
// layer, near 1 a layer being thrown around). Drawn as two small multi-line charts.
import type { LayerStat } from '../protocol.js';
import { el } from './dom.js';
import { smallChart, smallChartWidth } from './small-chart.js';

export interface LayerStatsPoint {
  step: number;
  stats: LayerStat[];
}

export function layerStatsSpec(history: LayerStatsPoint[], field: 'std' | 'relUpdate', width: number): object {
  const rows = history.flatMap((h) =>
    h.stats.filter((s) => s.name.endsWith('weight') || s.name.endsWith('bias')).map((s) => ({ tensor: s.name, step: h.step, value: s[field] })),
  ).filter((r) => r.value != null && Number.isFinite(r.value) && r.value > 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: field === 'std' ? 'std of each parameter tensor' : 'relative update ‖Δw‖/‖w‖ since the previous evaluation',
    width,
    height: 160,
    data: { values: rows },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: field === 'std' ? 'std' : '‖Δw‖/‖w‖' },
      color: { field: 'tensor', type: 'nominal', legend: { orient: 'bottom', title: null, columns: 3, labelLimit: 140 } },
    },
  };
}

export async function renderLayerStats(container: HTMLElement, history: LayerStatsPoint[]): Promise<void> {
  const last = history.at(-1);
  if (!last) {
    container.replaceChildren();
    return;
  }
  const width = smallChartWidth(container);
  const charts: HTMLElement[] = [];
  for (const field of ['std', 'relUpdate'] as const) charts.push(await smallChart(layerStatsSpec(history, field, width)));
  const table = el('table', { class: 'checks stats' });
  const head = el('tr');
  for (const h of ['tensor', 'mean', 'std', '‖Δw‖/‖w‖']) head.append(el('th', {}, h));
  table.append(head);
  for (const s of last.stats) {
    const row = el('tr');
    row.append(
      el('td', {}, s.name),
      el('td', { class: 'num' }, s.mean.toExponential(2)),
      el('td', { class: 'num' }, s.std.toExponential(2)),
      el('td', { class: 'num' }, s.relUpdate == null ? '—' : s.relUpdate.toExponential(2)),
    );
    table.append(row);
  }
  const caption = el('p', { class: 'muted' }, `At the evaluation of step ${last.step}; ${history.length} evaluation${history.length === 1 ? '' : 's'} so far.`);
  const box = el('div', { class: 'table-box' });
  box.append(table);
  container.replaceChildren(...charts, caption, box);
  container.dataset.step = String(last.step);
  container.dataset.tensors = String(last.stats.length);
}
