import { describe, expect, it } from 'vitest';
import { maxAbsError, relError, scaledError } from './error-measures.js';

describe('error measures', () => {
  it('relError is max |a−b| / max(1e-8, |a|+|b|)', () => {
    expect(relError([1, 0], [1.1, 0])).toBeCloseTo(0.1 / 2.1, 15);
    expect(relError([1e-9], [0])).toBeCloseTo(0.1, 15);
    expect(relError([2, 3], [2, 3])).toBe(0);
    expect(relError([1, -1], [-1, 1])).toBe(1);
  });

  it('scaledError is max |a−b| / max |b|: blind to cancellation near zero', () => {
    expect(scaledError([1, 2.002], [1, 2])).toBeCloseTo(1e-3, 9);
    // One element near zero: relError calls it wrong, scaledError measures against the array's scale.
    expect(relError([100, 1e-6], [100, 0])).toBe(1);
    expect(scaledError([100, 1e-6], [100, 0])).toBeCloseTo(1e-8, 15);
    expect(scaledError([0, 0], [0, 0])).toBe(0);
  });

  it('maxAbsError is max |a−b|', () => {
    expect(maxAbsError([1, 5], [1.5, 3])).toBe(2);
  });

  it('a NaN on either side reads as Infinity, so it never passes a tolerance', () => {
    for (const measure of [relError, scaledError, maxAbsError]) {
      expect(measure([1, Number.NaN], [1, 2]), measure.name).toBe(Infinity);
      expect(measure([1, 2], [1, Number.NaN]), measure.name).toBe(Infinity);
    }
  });

  it('arrays of different sizes are an error naming the measure', () => {
    expect(() => relError([1, 2], [1])).toThrowError('relError: sizes differ, actual 2 vs expected 1');
    expect(() => scaledError([1], [1, 2])).toThrowError('scaledError: sizes differ, actual 1 vs expected 2');
  });
});
