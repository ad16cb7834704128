// Vega-Lite specs of the page's curves: one run (raw training loss faint, smoothed on top, test
// loss as points) or several runs overlaid (one colour per run). Smoothing is TensorBoard's
// debiased exponential moving average; a log-scale y axis is an option; every point carries a
// tooltip. NaN/±Infinity cannot be drawn: they are left out and a diverged run gets a red rule
// at the step where it diverged, so a blown-up loss never passes as a curve.
import type { EvalPoint, TrainPoint } from '@backprop/train';

export interface Series {
  name: string;
  train: TrainPoint[];
  eval: EvalPoint[];
  /** Step at which the run diverged, if it did. */
  divergedAt?: number | null;
}

export interface CurveOptions {
  /** EMA weight in [0, 1): 0 is no smoothing. */
  smoothing: number;
  log: boolean;
  width: number;
  height: number;
  title: string;
}

/** Most points drawn per line; longer series are thinned (after smoothing over every point). */
const MAX_POINTS = 600;

/** TensorBoard's smoothing: EMA with debiasing; non-finite values are skipped (left as they are). */
export function smooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smooth: weight must be in [0, 1), got ${weight}`);
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

interface Row {
  series: string;
  step: number;
  value: number;
  /** 'line' rows draw as lines; 'point' rows as dots (evaluations). */
  kind: 'line' | 'faint' | 'point';
}

function thin<T>(rows: T[]): T[] {
  if (rows.length <= MAX_POINTS) return rows;
  const every = Math.ceil(rows.length / MAX_POINTS);
  return rows.filter((_, i) => i % every === 0 || i === rows.length - 1);
}

function drawable(rows: Row[], log: boolean): Row[] {
  return rows.filter((r) => Number.isFinite(r.value) && (!log || r.value > 0));
}

/** The loss chart: one run in detail, or the smoothed training loss of each run. */
export function lossSpec(series: Series[], o: CurveOptions): object {
  const rows: Row[] = [];
  const one = series.length === 1;
  for (const s of series) {
    const losses = s.train.map((p) => p.loss);
    const smoothed = smooth(losses, o.smoothing);
    const label = (what: string) => (one ? what : `${s.name} · ${what}`);
    if (one && o.smoothing > 0) rows.push(...thin(s.train.map((p) => ({ series: label('train (raw)'), step: p.step, value: p.loss, kind: 'faint' as const }))));
    rows.push(...thin(s.train.map((p, i) => ({ series: label(o.smoothing > 0 ? 'train (smoothed)' : 'train'), step: p.step, value: smoothed[i]!, kind: 'line' as const }))));
    if (one) rows.push(...s.eval.map((p) => ({ series: label('test'), step: p.step, value: p.testLoss, kind: 'point' as const })));
  }
  return spec(drawable(rows, o.log), series, o, 'loss', '.4f');
}

/** The test-accuracy chart, one line per run. */
export function accuracySpec(series: Series[], o: CurveOptions): object {
  const rows: Row[] = [];
  for (const s of series) rows.push(...s.eval.map((p) => ({ series: series.length === 1 ? 'test accuracy' : s.name, step: p.step, value: p.testAccuracy, kind: 'point' as const })));
  return spec(drawable(rows, o.log), series, o, 'test accuracy', '.2%');
}

function spec(rows: Row[], series: Series[], o: CurveOptions, yTitle: string, format: string): object {
  const x = { field: 'step', type: 'quantitative', title: 'step' };
  const y = { field: 'value', type: 'quantitative', title: yTitle, scale: { type: o.log ? 'log' : 'linear', zero: false } };
  const color = { field: 'series', type: 'nominal', legend: { orient: 'bottom', title: null, labelLimit: 260 } };
  const diverged = series.filter((s) => s.divergedAt != null).map((s) => ({ step: s.divergedAt, label: `${series.length === 1 ? '' : `${s.name} `}diverged` }));
  const layers: object[] = [
    { transform: [{ filter: "datum.kind === 'faint'" }], mark: { type: 'line', strokeWidth: 1, opacity: 0.3, clip: true }, encoding: { x, y, color } },
    { transform: [{ filter: "datum.kind !== 'faint'" }], mark: { type: 'line', strokeWidth: 2, clip: true, point: false }, encoding: { x, y, color } },
    { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'point', filled: true, size: 30, clip: true }, encoding: { x, y, color } },
    {
      // Invisible, generous hit targets: the tooltips.
      mark: { type: 'point', opacity: 0, size: 120, clip: true },
      encoding: {
        x,
        y,
        tooltip: [
          { field: 'series', type: 'nominal', title: 'series' },
          { field: 'step', type: 'quantitative', title: 'step' },
          { field: 'value', type: 'quantitative', title: yTitle, format },
        ],
      },
    },
  ];
  if (diverged.length > 0) {
    layers.push({
      data: { values: diverged },
      mark: { type: 'rule', color: '#d1453b', strokeWidth: 2, strokeDash: [4, 3] },
      encoding: { x: { field: 'step', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal' }, { field: 'step', type: 'quantitative' }] },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width,
    height: o.height,
    data: { values: rows },
    layer: layers,
    config: { view: { stroke: null }, axis: { grid: true, gridColor: '#eef1f5' } },
  };
}
