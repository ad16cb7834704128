import { describe, expect, it } from 'vitest';
import { Rng } from './index.js';

describe('Rng', () => {
  // The sequences of @backprop/tensor's Rng before it moved here: data splits, shuffles and
  // weight inits of existing runs depend on these bits.
  it('gives the same bits per seed as before the move', () => {
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([1028872839, 2516511472, 400437680]);
    expect(Array.from(new Rng(7).permutation(10))).toEqual([4, 9, 0, 8, 7, 2, 5, 6, 3, 1]);
    const n = new Rng(3);
    expect([n.normal(), n.normal(), n.uniform()]).toEqual([-1.0756723675905, -0.78545460018782776, 0.56576753640547395]);
  });

  it('keeps uniform in [0, 1) and int in [0, n)', () => {
    const r = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const k = r.int(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
    }
  });

  it('names the argument in its errors', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/Rng: seed must be a finite number, got NaN/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng.int: n must be a positive integer, got 0/);
    expect(() => new Rng(1).permutation(-1)).toThrow(/Rng.permutation: n must be a non-negative integer, got -1/);
  });
});
