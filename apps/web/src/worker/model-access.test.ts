import { describe, expect, it } from 'vitest';
import { softmaxTopK } from './model-access.js';

describe('softmaxTopK', () => {
  it('gives the most probable classes first with their softmax probabilities', () => {
    const scores = new Float32Array([0, Math.log(3), Math.log(6), -100, /* row 2 */ 5, 5, 5, 5]);
    const { classes, probs } = softmaxTopK(scores, 4, 3);
    expect([...classes.subarray(0, 3)]).toEqual([2, 1, 0]); // ties broken by class index
    expect(probs[0]).toBeCloseTo(0.6, 6);
    expect(probs[1]).toBeCloseTo(0.3, 6);
    expect(probs[2]).toBeCloseTo(0.1, 6);
    expect([...classes.subarray(3)]).toEqual([0, 1, 2]);
    expect(probs[3]).toBeCloseTo(0.25, 6);
  });

  it('stays finite for large logits and names a bad shape', () => {
    const { probs } = softmaxTopK(new Float32Array([1000, 0]), 2, 1);
    expect(probs[0]).toBeCloseTo(1, 6);
    expect(() => softmaxTopK(new Float32Array(5), 2, 1)).toThrow(/scores.length 5 is not a multiple of k = 2/);
  });
});
