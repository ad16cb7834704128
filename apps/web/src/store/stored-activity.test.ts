import type { StepStats } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { MAX_STORED_ACTIVITY, thinActivity } from './stored-activity.js';

const steps = (n: number): StepStats[] => Array.from({ length: n }, (_, i) => ({ step: i + 1, gradients: [], activations: [] }));

describe('thinActivity', () => {
  it('keeps a short history whole (a copy)', () => {
    const h = steps(60);
    const kept = thinActivity(h);
    expect(kept).toEqual(h);
    expect(kept).not.toBe(h);
  });

  it('thins a long history to the bound, evenly, keeping the first and the last step in order', () => {
    const kept = thinActivity(steps(1000));
    expect(kept).toHaveLength(MAX_STORED_ACTIVITY);
    expect(kept[0]!.step).toBe(1);
    expect(kept.at(-1)!.step).toBe(1000);
    const gaps = kept.slice(1).map((s, i) => s.step - kept[i]!.step);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(6);
  });

  it('names a bad bound', () => {
    expect(() => thinActivity(steps(3), 1)).toThrow('thinActivity: max must be an integer ≥ 2, got 1');
  });
});
