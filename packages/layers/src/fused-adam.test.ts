// The fused Adam update (one engine kernel per parameter) against tfjs's own AdamOptimizer: the
// same float32 operations in the same order, so the same bits, step after step.
import { fusedAdamAvailable, initBackend, Rng, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedAdamOptimizer } from './fused-adam.js';

beforeAll(async () => {
  await initBackend();
});

const values = (n: number, seed: number) => new Rng(seed).fillNormal(new Float32Array(n));

describe('FusedAdamOptimizer', () => {
  it('runs on the engine here', () => {
    expect(fusedAdamAvailable()).toBe(true);
  });

  it('gives the same bits as tf.train.adam over 5 steps, leaking no tensors', () => {
    const shapes = [[3, 3, 8, 16], [16], [37], [5, 7]];
    const make = () => shapes.map((s, i) => tf.variable(tf.tensor(values(s.reduce((a, b) => a * b, 1), i + 1), s)));
    const fusedVars = make();
    const stockVars = make();
    const fused = new FusedAdamOptimizer(3e-3, 0.9, 0.999, 1e-8);
    const stock = tf.train.adam(3e-3, 0.9, 0.999, 1e-8);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) {
      const grads = shapes.map((s, i) => tf.tensor(values(s.reduce((a, b) => a * b, 1), 100 * step + i), s));
      fused.applyGradients(fusedVars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      stock.applyGradients(stockVars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      tf.dispose(grads);
      if (step === 0) expect(tf.memory().numTensors).toBe(before + 2 * 2 * shapes.length); // the m and v slots, both optimizers
    }
    const slotsAfterFirstStep = before + 2 * 2 * shapes.length;
    expect(tf.memory().numTensors).toBe(slotsAfterFirstStep);
    for (let i = 0; i < shapes.length; i++) {
      expect(Buffer.from((fusedVars[i]!.dataSync() as Float32Array).buffer)).toEqual(Buffer.from((stockVars[i]!.dataSync() as Float32Array).buffer));
    }
    const fusedWeights = fused.getWeights();
    return Promise.all([fusedWeights, stock.getWeights()]).then(([a, b]) => {
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(Buffer.from((a[i]!.tensor.dataSync() as Float32Array).buffer)).toEqual(Buffer.from((b[i]!.tensor.dataSync() as Float32Array).buffer));
      tf.dispose([...fusedVars, ...stockVars]);
      fused.dispose();
      stock.dispose();
    });
  });
});
