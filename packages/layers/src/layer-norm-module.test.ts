import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNormAutograd } from './layer-norm-autograd.js';
import { LayerNormManual } from './layer-norm-manual.js';

beforeAll(async () => {
  await initBackend();
});

describe('LayerNormModule (shared by both LayerNorm modules)', () => {
  it.each([['LayerNormAutograd', LayerNormAutograd], ['LayerNormManual', LayerNormManual]] as const)('%s: arguments, errors naming the module, parameters and repr', (_, Kind) => {
    expect(() => new Kind(0)).toThrow(`${Kind.name}: numFeatures must be a positive integer, got 0`);
    expect(() => new Kind(4, 0)).toThrow(`${Kind.name}: eps must be positive, got 0`);
    const m = new Kind(3);
    expect(m.namedParameters().map(([n, v]) => [n, Array.from(v.dataSync())])).toEqual([['weight', [1, 1, 1]], ['bias', [0, 0, 0]]]);
    expect(m.toString()).toBe('LayerNorm((3,), eps=1e-05, elementwise_affine=True)');
    expect(() => m.forward(tf.zeros([2, 3, 1]))).toThrow(`${Kind.name}.forward: x must be 2-D [batch, 3], got shape [2, 3, 1] (rank 3)`);
    m.dispose();
  });
});
