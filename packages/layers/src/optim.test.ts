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

  it.each([
    ['plain', 0],
    ['with momentum', 0.9],
  ])('%s: setLearningRate scales the next update by new lr / old lr', (_, momentum) => {
    // Loss Σ w·c: with momentum the buffer after two steps is (1 + μ)·c, and p moves by −lr·buf.
    const c = tf.tensor1d([0.5, -1, 2]);
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = new SGD([w], { lr: 0.1, momentum });
    opt.step(linearLoss(w, c)).dispose();
    expect(opt.lr).toBe(0.1);
    opt.setLearningRate(0.025);
    expect(opt.lr).toBe(0.025);
    const before = w.dataSync().slice();
    const tensors = tf.memory().numTensors;
    opt.step(linearLoss(w, c)).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    const delta = Array.from(w.dataSync(), (v, i) => v - before[i]!);
    expect(delta).toEqual([0.5, -1, 2].map((ci) => expect.closeTo(-0.025 * (1 + momentum) * ci, 6)));
    opt.dispose();
    tf.dispose([w, c]);
  });

  it('setLearningRate refuses a rate that is not a finite number > 0, naming the op and the value, and keeps the old one', () => {
    const w = tf.variable(tf.zeros([1]));
    const opt = new SGD([w], { lr: 0.1 });
    const tensors = tf.memory().numTensors;
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => opt.setLearningRate(bad)).toThrow(`SGD.setLearningRate: lr must be a finite number > 0, got ${bad}`);
    }
    const adam = new Adam([w]);
    expect(() => adam.setLearningRate(-0.5)).toThrow('Adam.setLearningRate: lr must be a finite number > 0, got -0.5');
    expect([opt.lr, adam.lr]).toEqual([0.1, 1e-3]);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    opt.dispose();
    w.dispose();
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

  it('setLearningRate scales the next update by new lr / old lr', () => {
    // Two Adams in the same state; one halves its rate before the second step.
    const c = [tf.tensor1d([0.3, -2]), tf.tensor1d([0.1, 4])];
    const [w1, w2] = [tf.variable(tf.tensor1d([1, -1])), tf.variable(tf.tensor1d([1, -1]))];
    const [o1, o2] = [new Adam([w1], { lr: 1e-2 }), new Adam([w2], { lr: 1e-2 })];
    o1.step(linearLoss(w1, c[0]!)).dispose();
    o2.step(linearLoss(w2, c[0]!)).dispose();
    o2.setLearningRate(5e-3);
    expect([o1.lr, o2.lr]).toEqual([1e-2, 5e-3]);
    const start = w1.dataSync().slice();
    expect(Array.from(w2.dataSync())).toEqual(Array.from(start));
    o1.step(linearLoss(w1, c[1]!)).dispose();
    o2.step(linearLoss(w2, c[1]!)).dispose();
    const d1 = Array.from(w1.dataSync(), (v, i) => v - start[i]!);
    const d2 = Array.from(w2.dataSync(), (v, i) => v - start[i]!);
    expect(d2.map((d, i) => d / d1[i]!)).toEqual([expect.closeTo(0.5, 4), expect.closeTo(0.5, 4)]);
    for (const o of [o1, o2]) o.dispose();
    tf.dispose([w1, w2, ...c]);
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
