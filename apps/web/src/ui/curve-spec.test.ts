import { describe, expect, it } from 'vitest';
import { accuracySpec, lossSpec, smooth } from './curve-spec.js';

const options = { smoothing: 0.6, log: false, width: 300, height: 200, title: 't' };
const rowsOf = (spec: object) => (spec as { data: { values: { series: string; step: number; value: number; kind: string }[] } }).data.values;

describe('curve specs', () => {
  it('smooths like TensorBoard (debiased EMA) and skips non-finite values', () => {
    expect(smooth([2, 2, 2], 0.9)).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 12)));
    const s = smooth([1, NaN, 3], 0.5);
    expect(s[0]).toBeCloseTo(1);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25), 12);
    expect(() => smooth([1], 1)).toThrow(/weight must be in \[0, 1\), got 1/);
  });

  it('draws one run raw + smoothed + test, leaves NaN and Infinity out and marks the divergence', () => {
    const spec = lossSpec([{ name: 'a', train: [{ step: 1, loss: 2 }, { step: 2, loss: 1e36 }, { step: 3, loss: NaN }], eval: [{ step: 2, testLoss: Infinity, testAccuracy: 0.1, trainLoss: 1 }], divergedAt: 3 }], options);
    const rows = rowsOf(spec);
    expect(rows.every((r) => Number.isFinite(r.value))).toBe(true);
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(['train (raw)', 'train (smoothed)']));
    expect(JSON.stringify(spec)).toContain('"diverged"');
  });

  it('overlays several runs, one series each, and drops values a log axis cannot show', () => {
    const a = { name: '#1', train: [{ step: 1, loss: 1 }], eval: [{ step: 1, testLoss: 1, testAccuracy: 0.3, trainLoss: 1 }] };
    const b = { name: '#2', train: [{ step: 1, loss: 0 }], eval: [{ step: 1, testLoss: 1, testAccuracy: 0, trainLoss: 1 }] };
    expect(new Set(rowsOf(lossSpec([a, b], options)).map((r) => r.series))).toEqual(new Set(['#1 · train (smoothed)', '#2 · train (smoothed)']));
    const acc = rowsOf(accuracySpec([a, b], { ...options, log: true }));
    expect(acc.map((r) => r.series)).toEqual(['#1']); // 0 has no logarithm
  });
});
