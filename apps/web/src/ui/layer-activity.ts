// Per-layer gradient and activation statistics over the steps, TensorBoard-style, from the trainer's
// observation hook (measured on the training steps themselves, not at evaluations): the L2 norm of
// each layer's weight gradient (vanishing or exploding gradients show as lines falling or rising
// apart, log scale), and the mean and std of each layer's output (saturation and dead units show as
// a collapsing std). A table gives the last observed step, zeros and saturation included.
import type { StepStats } from '@backprop/train';
import { el } from './dom.js';
import { smallChart, smallChartWidth } from './small-chart.js';

export type ActivityChart = 'gradNorm' | 'activationMean' | 'activationStd';

const TITLES: Record<ActivityChart, { title: string; y: string; log: boolean }> = {
  gradNorm: { title: 'weight-gradient L2 norm per layer', y: '‖∂L/∂W‖₂', log: true },
  activationMean: { title: 'output mean per layer', y: 'mean', log: false },
  activationStd: { title: 'output std per layer', y: 'std', log: false },
};

/** One row per (layer, observed step) of a chart; `layers` in network order (one series each). */
export function activityRows(history: readonly StepStats[], chart: ActivityChart): { layers: string[]; rows: Array<{ layer: string; step: number; value: number }> } {
  const rows: Array<{ layer: string; step: number; value: number }> = [];
  const layers: string[] = [];
  const see = (layer: string) => {
    if (!layers.includes(layer)) layers.push(layer);
  };
  for (const s of history) {
    if (chart === 'gradNorm') {
      // Weights only: a layer's bias gradient is the column sum of its output gradient, the same story.
      for (const g of s.gradients.filter((g) => g.name.endsWith('.weight'))) {
        const layer = g.name.slice(0, -'.weight'.length);
        see(layer);
        rows.push({ layer, step: s.step, value: g.l2 });
      }
    } else {
      for (const a of s.activations) {
        see(a.name);
        rows.push({ layer: a.name, step: s.step, value: chart === 'activationMean' ? a.mean : a.std });
      }
    }
  }
  return { layers, rows };
}

export function activitySpec(history: readonly StepStats[], chart: ActivityChart, width: number): object {
  const { layers, rows } = activityRows(history, chart);
  const t = TITLES[chart];
  // A log axis cannot show 0 or a non-finite value: those rows are left out of the line (the table shows them).
  const shown = rows.filter((r) => Number.isFinite(r.value) && (!t.log || r.value > 0));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: t.title,
    width,
    height: 150,
    data: { values: shown },
    mark: { type: 'line', point: history.length < 30, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'value', type: 'quantitative', title: t.y, ...(t.log ? { scale: { type: 'log', zero: false } } : {}) },
      color: { field: 'layer', type: 'nominal', sort: layers, legend: { orient: 'bottom', title: null, columns: 4, labelLimit: 120 } },
    },
  };
}

const pct = (x: number | null) => (x == null ? '—' : `${(100 * x).toFixed(1)}%`);

export async function renderLayerActivity(container: HTMLElement, history: readonly StepStats[]): Promise<void> {
  const last = history.at(-1);
  if (!last) {
    container.replaceChildren();
    return;
  }
  const width = smallChartWidth(container);
  const charts: HTMLElement[] = [];
  for (const chart of ['gradNorm', 'activationMean', 'activationStd'] as const) {
    const host = await smallChart(activitySpec(history, chart, width));
    host.dataset.chart = chart;
    host.dataset.series = activityRows(history, chart).layers.join('|');
    charts.push(host);
  }
  const table = el('table', { class: 'checks stats' });
  const head = el('tr');
  for (const h of ['layer', 'mean', 'std', 'zeros', 'saturated', '‖∂L/∂W‖₂']) head.append(el('th', {}, h));
  table.append(head);
  const gradOf = new Map(last.gradients.filter((g) => g.name.endsWith('.weight')).map((g) => [g.name.slice(0, -'.weight'.length), g.l2]));
  for (const a of last.activations) {
    const row = el('tr');
    const g = gradOf.get(a.name);
    row.append(
      el('td', {}, a.name),
      el('td', { class: 'num' }, a.mean.toExponential(2)),
      el('td', { class: 'num' }, a.std.toExponential(2)),
      el('td', { class: 'num' }, pct(a.zeroFraction)),
      el('td', { class: 'num' }, pct(a.saturatedFraction)),
      el('td', { class: 'num' }, g == null ? '' : g.toExponential(2)),
    );
    table.append(row);
  }
  const caption = el('p', { class: 'muted' }, `Measured on training step ${last.step}; ${history.length} observed step${history.length === 1 ? '' : 's'} so far.`);
  const box = el('div', { class: 'table-box' });
  box.append(table);
  container.replaceChildren(...charts, caption, box);
  const values = history.flatMap((s) => [...s.gradients.flatMap((g) => [g.l2, g.mean, g.std]), ...s.activations.flatMap((a) => [a.mean, a.std])]);
  Object.assign(container.dataset, { step: String(last.step), points: String(history.length), finite: String(values.every(Number.isFinite)) });
}
