import { initBackend } from '@backprop/tensor';
import { buildModel, presetConfig } from '@backprop/train';
import { describe, expect, it } from 'vitest';
import { weightTiles } from '../ui/images.js';
import { firstLayerWeights, softmaxTopK } from './model-access.js';

describe('firstLayerWeights', () => {
  it("gives the CNN's first convolution as 64 filters 3×3×3 in PyTorch's layout (what the filters view draws)", async () => {
    await initBackend();
    const model = buildModel(presetConfig('cnn'), { recordShape: [3, 32, 32], nClasses: 10 });
    try {
      const w = firstLayerWeights(model)!;
      expect({ name: w.name, kind: w.kind, shape: w.shape }).toEqual({ name: 'features.0.weight', kind: 'conv', shape: [64, 3, 3, 3] });
      expect(w.data).toHaveLength(64 * 27);
      expect(weightTiles(w.kind, w.shape, [3, 32, 32])).toEqual({ count: 64, c: 3, h: 3, w: 3 });
    } finally {
      model.dispose();
    }
  });
});

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
