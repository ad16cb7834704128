import { describe, expect, it } from 'vitest';
import { accuracyChartSpec, lossChartSpec } from './charts.js';
import type { MetricsHistory } from './metrics.js';

const m: MetricsHistory = {
  train: [{ step: 1, loss: 2.2 }, { step: 2, loss: Number.NaN }, { step: 3, loss: 2.0 }],
  eval: [{ step: 0, testLoss: 2.3, testAccuracy: 0.1, trainLoss: null }, { step: 3, testLoss: 2.05, testAccuracy: 0.3, trainLoss: 2.1 }],
};

describe('chart specs', () => {
  it('loss: train batches and test evaluations as two series, non-finite losses left out', () => {
    const spec = lossChartSpec(m, { title: 'mlp: loss' }) as { title: string; data: { values: Array<{ step: number; loss: number; series: string }> } };
    expect(spec.title).toBe('mlp: loss');
    expect(spec.data.values).toEqual([
      { step: 1, loss: 2.2, series: 'train (batch)' },
      { step: 3, loss: 2.0, series: 'train (batch)' },
      { step: 0, loss: 2.3, series: 'test (whole set)' },
      { step: 3, loss: 2.05, series: 'test (whole set)' },
    ]);
  });

  it('accuracy: one point per evaluation, y from 0 to 1', () => {
    const spec = accuracyChartSpec(m) as { data: { values: unknown[] }; encoding: { y: { scale: { domain: number[] } } } };
    expect(spec.data.values).toEqual([{ step: 0, accuracy: 0.1 }, { step: 3, accuracy: 0.3 }]);
    expect(spec.encoding.y.scale.domain).toEqual([0, 1]);
  });
});

describe('accuracy chart rendering', () => {
  it('keeps step 0 on the axis when the only evaluation is at step 20 (no step-0 evaluation)', async () => {
    const { renderSvg } = await import('./node/render-svg.js');
    const one: MetricsHistory = { train: [], eval: [{ step: 20, testLoss: 2.1, testAccuracy: 0.27, trainLoss: 2.2 }] };
    const svg = await renderSvg(accuracyChartSpec(one));
    const ticks = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]);
    expect(ticks).toContain('0');
    expect(ticks).toContain('20');
    expect(ticks.some((t) => t?.includes('.000'))).toBe(false); // no "20.000000" from a collapsed domain
  });
});
