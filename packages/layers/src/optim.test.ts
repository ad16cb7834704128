import { initBackend, tf } from '@backprop/tensor';
import { expectClose, seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import { Adam, SGD } from './optim.js';
import { trainStep } from './train-step.js';

beforeAll(async () => {
  await initBackend();
});

// Loss = Σ w·c for fixed c: the gradient of w is c, whatever w is.
const linearLoss = (w: tf.Variable, c: tf.Tensor) => () => tf.sum(tf.mul(w, c)) as tf.Scalar;

describe('SGD', () => {
  it('p ← p − lr·g', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.tensor1d([0.5, -1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    opt.step(linearLoss(w, c)).dispose();
    expectClose(w, [1 - 0.05, 2 + 0.1, 3 - 0.2], { rtol: 1e-6 });
    expect(opt.steps).toBe(1);
  });

  it("with momentum follows PyTorch's buf = μ·buf + g, p ← p − lr·buf", () => {
    const w = tf.variable(tf.tensor1d([1]));
    const c = tf.tensor1d([2]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    opt.step(linearLoss(w, c)).dispose(); // buf 2, p 0.8
    opt.step(linearLoss(w, c)).dispose(); // buf 3.8, p 0.42
    expectClose(w, [0.42], { rtol: 1e-6 });
    opt.dispose();
  });

  it('checks its arguments', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new SGD([w], { lr: -1 })).toThrow(/lr must be ≥ 0, got -1/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/at least one parameter/);
    expect(() => new SGD([w], { lr: 0.1, nesterov: true })).toThrow(/nesterov/);
  });
});

describe('Adam', () => {
  it("has PyTorch's defaults and update: two steps match the formula with bias correction", () => {
    const w = tf.variable(tf.tensor1d([1, -1]));
    const opt = new Adam([w]);
    expect([opt.lr, ...opt.betas, opt.eps]).toEqual([1e-3, 0.9, 0.999, 1e-8]);
    const grads = [
      [0.3, -2],
      [0.1, 4],
    ];
    let m = [0, 0];
    let v = [0, 0];
    let p = [1, -1];
    for (const [t, g] of grads.entries()) {
      const c = tf.tensor1d(g);
      opt.step(linearLoss(w, c)).dispose();
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i]! ** 2);
      const bc1 = 1 - 0.9 ** (t + 1);
      const bc2 = 1 - 0.999 ** (t + 1);
      p = p.map((pi, i) => pi - (1e-3 * (m[i]! / bc1)) / (Math.sqrt(v[i]! / bc2) + 1e-8));
    }
    expectClose(w, p, { rtol: 1e-6 });
    opt.dispose();
  });

  it('checks betas', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new Adam([w], { betas: [0.9, 1] })).toThrow(/betas must be in \[0, 1\)/);
  });
});

describe('trainStep', () => {
  it('lowers the loss of a small MLP and leaves tf.memory().numTensors unchanged after a step', () => {
    const model = new MLP(20, [16], 3, { batchNorm: true, seed: 1 });
    const x = seededTensor([32, 20], 7);
    const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32');
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const ce = new CrossEntropyLoss();
    const first = trainStep(model, ce, x, y, opt); // creates Adam's moment variables
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = trainStep(model, ce, x, y, opt);
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.5 * first);
    opt.dispose();
    model.dispose();
  });

  it('accepts a Module as params and zeroGrad is harmless', () => {
    const lin = new Linear(2, 2);
    const opt = new SGD(lin, { lr: 0.1 });
    expect(opt.params).toHaveLength(2);
    opt.zeroGrad();
    lin.dispose();
  });
});
