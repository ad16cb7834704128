// A run's figures as Vega-Lite specs (data inline): the loss curve (training batches and the
// test set) and the test-accuracy curve. Plain JSON, so the web app renders the same specs with
// vega-embed and the CLI renders them to SVG (node/render-svg.ts).
import type { MetricsHistory } from './metrics.js';

/** A Vega-Lite top-level spec (kept loose: the object is handed to vega-lite's compile as is). */
export type VegaLiteSpec = Record<string, unknown>;

export interface ChartOptions {
  /** Title above the chart. */
  title?: string;
  width?: number;
  height?: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const base = (title: string | undefined, width: number, height: number) => ({
  $schema: SCHEMA,
  ...(title ? { title } : {}),
  width,
  height,
  background: 'white',
  config: { font: 'sans-serif', axis: { grid: true, gridOpacity: 0.4 }, legend: { orient: 'top-right' } },
});

/** Training loss of every batch (thin line) and test loss at each evaluation (points on a line). */
export function lossChartSpec(metrics: MetricsHistory, { title = 'Loss', width = 560, height = 320 }: ChartOptions = {}): VegaLiteSpec {
  const values = [
    ...metrics.train.filter((p) => Number.isFinite(p.loss)).map((p) => ({ step: p.step, loss: p.loss, series: 'train (batch)' })),
    ...metrics.eval.filter((p) => Number.isFinite(p.testLoss)).map((p) => ({ step: p.step, loss: p.testLoss, series: 'test (whole set)' })),
  ];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: ['train (batch)', 'test (whole set)'], range: ['#4c78a8', '#e45756'] } };
  return {
    ...base(title, width, height),
    data: { values },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', title: 'cross-entropy loss', scale: { zero: false } },
      color,
    },
    layer: [
      { transform: [{ filter: "datum.series === 'train (batch)'" }], mark: { type: 'line', strokeWidth: 1, opacity: 0.7 } },
      { transform: [{ filter: "datum.series === 'test (whole set)'" }], mark: { type: 'line', strokeWidth: 2, point: true } },
    ],
  };
}

/** Test accuracy at each evaluation. */
export function accuracyChartSpec(metrics: MetricsHistory, { title = 'Test accuracy', width = 560, height = 320 }: ChartOptions = {}): VegaLiteSpec {
  const values = metrics.eval.map((p) => ({ step: p.step, accuracy: p.testAccuracy }));
  return {
    ...base(title, width, height),
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: { color: '#e45756' }, color: '#e45756' },
    encoding: {
      // From step 0 even when the run skipped the step-0 evaluation (one point would collapse the axis).
      x: { field: 'step', type: 'quantitative', title: 'step', scale: { domainMin: 0 }, axis: { format: 'd' } },
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      tooltip: [{ field: 'step', type: 'quantitative' }, { field: 'accuracy', type: 'quantitative', format: '.4f' }],
    },
  };
}
