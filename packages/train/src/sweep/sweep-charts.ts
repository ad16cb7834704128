// A sweep's figures as Vega-Lite specs: the ranking metric against each searched option (log scale
// for a log-uniform one), and every trial's test-accuracy curve on one chart.
import type { VegaLiteSpec } from '../charts.js';
import type { MetricsHistory } from '../metrics.js';
import { formatValue, type TrialResult } from './results.js';
import type { SweepKey, SweepSpec } from './spec.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const base = (title: string) => ({
  $schema: SCHEMA,
  title,
  width: 480,
  height: 300,
  background: 'white',
  config: { font: 'sans-serif', axis: { grid: true, gridOpacity: 0.4 } },
});

/** The metric of every trial that has one against option `key` (numbers on an axis, others as categories). */
export function metricVsOptionSpec(spec: SweepSpec, key: SweepKey, results: TrialResult[]): VegaLiteSpec {
  const field = spec.metric === 'best_accuracy' ? 'bestAccuracy' : 'finalAccuracy';
  const values = results
    .filter((r) => r[field] != null && Number.isFinite(r[field]) && r.params[key] !== undefined)
    .map((r) => ({ trial: r.id, status: r.status, value: typeof r.params[key] === 'number' ? r.params[key] : formatValue(r.params[key]), accuracy: r[field] }));
  const numeric = values.length > 0 && values.every((v) => typeof v.value === 'number');
  const log = spec.random[key]?.kind === 'logUniform' || (numeric && key === 'learningRate');
  return {
    ...base(`${spec.metric.replace('_', ' ')} vs ${key}`),
    data: { values },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: numeric ? { field: 'value', type: 'quantitative', title: key, scale: log ? { type: 'log' } : { zero: false } } : { field: 'value', type: 'nominal', title: key, axis: { labelAngle: 0 } },
      y: { field: 'accuracy', type: 'quantitative', title: `test accuracy (${spec.metric.replace('_', ' ')})`, scale: { zero: false } },
      color: { field: 'status', type: 'nominal', title: null },
      tooltip: [{ field: 'trial' }, { field: 'value', title: key }, { field: 'accuracy', format: '.4f' }],
    },
  };
}

/** Every trial's test-accuracy curve (one line per trial). */
export function trialCurvesSpec(spec: SweepSpec, curves: { id: string; metrics: MetricsHistory }[]): VegaLiteSpec {
  const values = curves.flatMap(({ id, metrics }) => metrics.eval.filter((p) => Number.isFinite(p.testAccuracy)).map((p) => ({ trial: id, step: p.step, accuracy: p.testAccuracy })));
  return {
    ...base(`${spec.name}: test accuracy of every trial`),
    width: 560,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, point: { size: 15 } },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
      color: { field: 'trial', type: 'nominal', legend: curves.length > 30 ? null : { columns: 2 } },
      tooltip: [{ field: 'trial' }, { field: 'step' }, { field: 'accuracy', format: '.4f' }],
    },
  };
}
