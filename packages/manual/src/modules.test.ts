// Module contracts: shapes and init of params/grads, errors that name the argument, the expected
// and the actual shape, backward before forward, and no leaked tensors on the tfjs path.
import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossEntropy } from './cross-entropy.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { F64Tensor } from './f64-tensor.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import type { Layer } from './module.js';
import { ReLU } from './relu.js';
import { Softmax } from './softmax.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { Tanh } from './tanh.js';

beforeAll(async () => {
  await initBackend();
});

const layers: Array<[string, () => Layer<tf.Tensor>, number]> = [
  ['Linear', () => new Linear(6, 4), 6],
  ['ELU', () => new ELU(), 6],
  ['Tanh', () => new Tanh(), 6],
  ['ReLU', () => new ReLU(), 6],
  ['Softmax', () => new Softmax(), 6],
  ['LayerNorm', () => new LayerNorm(6), 6],
];

describe.each(layers)('%s', (name, make, features) => {
  it('throws a clear error when backward comes before forward, or twice after one forward', () => {
    const layer = make();
    const dout = tf.zeros([3, name === 'Linear' ? 4 : features]);
    expect(() => layer.backward(dout)).toThrow(`${name}.backward: called before forward`);
    const x = tf.ones([3, features]);
    layer.forward(x).dispose();
    layer.backward(dout).dispose();
    expect(() => layer.backward(dout)).toThrow(`${name}.backward: called before forward`);
    tf.dispose([x, dout]);
    layer.dispose();
  });

  it('names the argument, expected and actual shape on a wrong shape', () => {
    const layer = make();
    const bad = tf.zeros([3, features + 1]);
    const wide = name === 'Linear' || name === 'LayerNorm';
    if (wide) expect(() => layer.forward(bad)).toThrow(`${name}.forward: x must have shape [N, ${features}], got [3, ${features + 1}]`);
    const rank3 = tf.zeros([2, 3, features]);
    expect(() => layer.forward(rank3)).toThrow(`${name}.forward: x must have shape [N, ${wide ? features : 'M'}], got [2, 3, ${features}]`);
    const x = tf.zeros([3, features]);
    layer.forward(x).dispose();
    expect(() => layer.backward(tf.zeros([2, 7]))).toThrow(`${name}.backward: dout must have shape [3, ${name === 'Linear' ? 4 : features}], got [2, 7]`);
    tf.dispose([bad, rank3, x]);
    layer.dispose();
  });

  it('leaves no tensors behind: forward + backward + dispose', () => {
    const x = tf.randomNormal([5, features]);
    const before = tf.memory().numTensors;
    const layer = make();
    const y = layer.forward(x);
    const dx = layer.backward(tf.onesLike(y));
    expect(dx.shape).toEqual(x.shape);
    tf.dispose([y, dx]);
    layer.dispose();
    // onesLike(y) was created outside any tidy: the one tensor the test itself leaks.
    expect(tf.memory().numTensors - before).toBe(1);
    x.dispose();
  });

  it('grads has the keys and shapes of params', () => {
    const layer = make();
    expect(Object.keys(layer.grads)).toEqual(Object.keys(layer.params));
    for (const key of Object.keys(layer.params)) expect(layer.grads[key]!.shape).toEqual(layer.params[key]!.shape);
    layer.dispose();
  });
});

describe('Linear', () => {
  it('holds weight [out, in] ~ N(0, 1e-4²), bias [out] = 0 and zero grads, seeded', () => {
    const a = new Linear<F64Tensor>(300, 50, { ops: f64Ops, seed: 7 });
    const b = new Linear<F64Tensor>(300, 50, { ops: f64Ops, seed: 7 });
    expect(a.params.weight.shape).toEqual([50, 300]);
    expect(a.params.bias.shape).toEqual([50]);
    const w = a.params.weight.data;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(3e-6);
    expect(std).toBeGreaterThan(0.97e-4);
    expect(std).toBeLessThan(1.03e-4);
    expect([...a.params.bias.data].every((v) => v === 0)).toBe(true);
    expect([...a.grads.weight.data, ...a.grads.bias.data].every((v) => v === 0)).toBe(true);
    expect([...b.params.weight.data]).toEqual([...w]);
  });

  it('computes x·Wᵀ + b, dx = dout·W, dW = doutᵀ·x, db = Σ dout (a hand-worked case)', () => {
    const layer = new Linear<F64Tensor>(2, 1, { ops: f64Ops });
    f64Ops.assign(layer.params.weight, F64Tensor.from([2, -1], [1, 2]));
    f64Ops.assign(layer.params.bias, F64Tensor.from([0.5], [1]));
    const y = layer.forward(F64Tensor.from([1, 2, 3, 4], [2, 2]));
    expect([...y.data]).toEqual([0.5, 2.5]);
    const dx = layer.backward(F64Tensor.from([1, 10], [2, 1]));
    expect([...dx.data]).toEqual([2, -1, 20, -10]);
    expect([...layer.grads.weight.data]).toEqual([31, 42]);
    expect([...layer.grads.bias.data]).toEqual([11]);
  });

  it('rejects non-positive sizes', () => {
    expect(() => new Linear(0, 3)).toThrow('Linear: inFeatures must be a positive integer, got 0');
  });
});

describe('ELU, Tanh, ReLU, Softmax values', () => {
  const x = F64Tensor.from([-2, -0.5, 0, 0.5, 3, 1000], [1, 6]);
  it('ELU(α) is x for x > 0 and α(eˣ − 1) otherwise, with no overflow for large x', () => {
    const y = new ELU<F64Tensor>(0.5, { ops: f64Ops }).forward(x);
    expect([...y.data]).toEqual([0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0, 0.5, 3, 1000]);
    const yt = tf.tidy(() => new ELU(1).forward(tf.tensor2d([[100, -100]])));
    expect([...yt.dataSync()]).toEqual([100, -1]);
    yt.dispose();
  });
  it('Tanh and ReLU', () => {
    expect([...new Tanh<F64Tensor>({ ops: f64Ops }).forward(x).data]).toEqual([...x.data].map(Math.tanh));
    expect([...new ReLU<F64Tensor>({ ops: f64Ops }).forward(x).data]).toEqual([0, 0, 0, 0.5, 3, 1000]);
  });
  it('Softmax rows sum to 1 and survive logits of 1000 (max trick)', () => {
    const y = new Softmax<F64Tensor>({ ops: f64Ops }).forward(F64Tensor.from([1000, 1000, 0, 1, 2, 3], [2, 3]));
    expect(y.data[0]).toBeCloseTo(0.5, 12);
    expect(y.data[2]).toBe(0);
    expect(y.data[3]! + y.data[4]! + y.data[5]!).toBeCloseTo(1, 12);
    const yt = tf.tidy(() => new Softmax().forward(tf.tensor2d([[1000, 1000]])));
    expect([...yt.dataSync()]).toEqual([0.5, 0.5]);
    yt.dispose();
  });
});

describe('losses', () => {
  const probs = F64Tensor.from([0.25, 0.75, 0.5, 0.5], [2, 2]);
  const targets = F64Tensor.from([0, 1, 1, 0], [2, 2]);

  it('CrossEntropy is the batch mean of −log p(target), and backward = −(1/S) T ⊘ X', () => {
    const ce = new CrossEntropy<F64Tensor>({ ops: f64Ops });
    expect(ce.forward(probs, targets).data[0]).toBeCloseTo(-(Math.log(0.75) + Math.log(0.5)) / 2, 14);
    expect([...ce.backward(probs, targets).data]).toEqual([-0, -1 / 0.75 / 2, -1 / 0.5 / 2, -0]);
  });

  it('SoftmaxCrossEntropy on logits equals CrossEntropy on their softmax, gradient (P − T)/S', () => {
    const logits = F64Tensor.from([0.3, -1.2, 2, 0.1], [2, 2]);
    const sce = new SoftmaxCrossEntropy<F64Tensor>({ ops: f64Ops });
    const p = new Softmax<F64Tensor>({ ops: f64Ops }).forward(logits);
    const ce = new CrossEntropy<F64Tensor>({ ops: f64Ops });
    expect(sce.forward(logits, targets).data[0]).toBeCloseTo(ce.forward(p, targets).data[0]!, 14);
    const d = sce.backward(logits, targets);
    [...d.data].forEach((v, i) => expect(v).toBeCloseTo((p.data[i]! - targets.data[i]!) / 2, 14));
    // Without a preceding forward on the same logits it recomputes the softmax.
    const again = new SoftmaxCrossEntropy<F64Tensor>({ ops: f64Ops }).backward(logits, targets);
    [...again.data].forEach((v, i) => expect(v).toBeCloseTo(d.data[i]!, 15));
  });

  it('name the mismatched argument', () => {
    const ce = new CrossEntropy<F64Tensor>({ ops: f64Ops });
    expect(() => ce.forward(probs, F64Tensor.zeros([2, 3]))).toThrow('CrossEntropy.forward: targets must have shape [2, 2], got [2, 3]');
    expect(() => new SoftmaxCrossEntropy<F64Tensor>({ ops: f64Ops }).backward(F64Tensor.zeros([4]), F64Tensor.zeros([4]))).toThrow(
      'SoftmaxCrossEntropy.backward: logits must have shape [N, M], got [4]',
    );
  });

  it('leave no tensors behind on the tfjs path', () => {
    const logits = tf.randomNormal([8, 10]);
    const t = tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], 'int32'), 10).toFloat();
    const before = tf.memory().numTensors;
    for (const loss of [new CrossEntropy(), new SoftmaxCrossEntropy()]) {
      const p = loss.takesLogits ? logits : tf.softmax(logits);
      tf.dispose([loss.forward(p, t), loss.backward(p, t)]);
      if (p !== logits) p.dispose();
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
