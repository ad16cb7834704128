// The manual MLP: structure, init, SGD, the training step (no leaks at the reference settings sizes), learning,
// and float32-vs-float64 agreement over several steps.
import { initBackend, Rng, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossEntropy } from './cross-entropy.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { F64Tensor } from './f64-tensor.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import type { Loss } from './module.js';
import type { Ops } from './ops.js';
import { SGD } from './sgd.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { Tanh } from './tanh.js';
import { tfOps } from './tf-ops.js';
import { accuracy, evaluate, predict, trainStep } from './train-step.js';

beforeAll(async () => {
  await initBackend();
});

/** Gaussian blobs: class k centred at 3·e_k in `dim` dimensions. */
function blobs(rng: Rng, n: number, dim: number, classes: number): { x: Float32Array; t: Float32Array } {
  const x = new Float32Array(n * dim);
  const t = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const k = rng.int(classes);
    t[i * classes + k] = 1;
    for (let j = 0; j < dim; j++) x[i * dim + j] = rng.normal() + (j === k ? 3 : 0);
  }
  return { x, t };
}

describe('MLP', () => {
  it('is Linear → activation per hidden layer, then Linear → Softmax', () => {
    const m = new MLP<F64Tensor>(12, [8, 6], 3, { ops: f64Ops, activation: 'tanh' });
    expect(m.layers.map((l) => l.name)).toEqual(['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']);
    expect(m.layers[1]).toBeInstanceOf(Tanh);
    expect(new MLP<F64Tensor>(4, [3], 2, { ops: f64Ops }).layers[1]).toBeInstanceOf(ELU);
    expect(m.parameters().map((p) => [p.name, p.param.shape])).toEqual([
      ['layers.0.weight', [8, 12]],
      ['layers.0.bias', [8]],
      ['layers.2.weight', [6, 8]],
      ['layers.2.bias', [6]],
      ['layers.4.weight', [3, 6]],
      ['layers.4.bias', [3]],
    ]);
    const probs = m.forward(F64Tensor.from(new Float64Array(24).fill(1), [2, 12]));
    expect(probs.data[0]! + probs.data[1]! + probs.data[2]!).toBeCloseTo(1, 14);
    expect(() => m.forward(F64Tensor.zeros([2, 11]))).toThrow('MLP.forward: x must have shape [N, 12], got [2, 11]');
    expect(() => new MLP(4, [3], 2, { activation: 'gelu' as 'elu' })).toThrow("MLP: options.activation must be 'elu', 'tanh', 'relu' or 'sigmoid', got 'gelu'");
    expect(() => new MLP(4, [0], 2)).toThrow('MLP: nHidden[0] must be a positive integer, got 0');
  });

  it('is seeded: same seed, same weights; another seed, other weights', () => {
    const w = (seed: number) => [...new MLP<F64Tensor>(5, [4], 3, { ops: f64Ops, seed }).linears[1]!.params.weight.data];
    expect(w(1)).toEqual(w(1));
    expect(w(1)).not.toEqual(w(2));
  });

  it('SGD sets θ ← θ − lr·∇θ in place', () => {
    const layer = new Linear<F64Tensor>(3, 2, { ops: f64Ops, std: 1 });
    const weight = layer.params.weight;
    const before = weight.data.slice();
    layer.forward(F64Tensor.from([1, 2, 3], [1, 3]));
    layer.backward(F64Tensor.from([0.5, -1], [1, 2]));
    const g = layer.grads.weight.data.slice();
    new SGD([{ name: 'w', param: weight, grad: layer.grads.weight }], { lr: 0.1, ops: f64Ops }).step();
    expect(layer.params.weight).toBe(weight);
    [...weight.data].forEach((v, i) => expect(v).toBeCloseTo(before[i]! - 0.1 * g[i]!, 15));
    expect(() => new SGD([], { lr: 0 })).toThrow('SGD: lr must be a positive finite number, got 0');
    expect(() => new SGD([], 0.1 as never)).toThrow('SGD: options must be an object { lr }, got 0.1 (SGD(params, { lr }))');
    expect(() => new SGD([], { lr: 0.1, momentum: 0.9 } as never)).toThrow("SGD: unknown option 'momentum'");
  });

  it.each([
    ['Softmax + CrossEntropy', () => new CrossEntropy()],
    ['fused SoftmaxCrossEntropy', () => new SoftmaxCrossEntropy()],
  ] as const)('a training step at the reference sizes (3072-100-10, batch 200) leaves tf.memory().numTensors unchanged: %s', (_, makeLoss) => {
    const rng = new Rng(42);
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(200 * 3072), 0, 60), [200, 3072]);
    const t = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: 200 }, () => rng.int(10)), 'int32'), 10).toFloat());
    const model = new MLP(3072, [100], 10, { seed: 42 });
    const loss = makeLoss();
    const sgd = new SGD(model.parameters(), { lr: 1e-3 });
    const before = tf.memory().numTensors;
    const first = trainStep(model, loss, x, t, sgd);
    expect(tf.memory().numTensors).toBe(before);
    trainStep(model, loss, x, t, sgd);
    expect(tf.memory().numTensors).toBe(before);
    // Initial loss of a 1e-4-std network: ~ln 10.
    expect(first).toBeGreaterThan(2.2);
    expect(first).toBeLessThan(2.5);
    model.dispose();
    tf.dispose([x, t]);
  });

  it('learns: loss falls and accuracy rises on separable blobs (float32 WASM)', () => {
    const rng = new Rng(9);
    const train = blobs(rng, 512, 20, 5);
    const test = blobs(rng, 256, 20, 5);
    const [x, t] = [tf.tensor2d(train.x, [512, 20]), tf.tensor2d(train.t, [512, 5])];
    const [xt, tt] = [tf.tensor2d(test.x, [256, 20]), tf.tensor2d(test.t, [256, 5])];
    const model = new MLP(20, [32], 5, { seed: 1, std: 0.1 });
    const loss = new SoftmaxCrossEntropy();
    const sgd = new SGD(model.parameters(), { lr: 0.5 });
    const start = evaluate(model, loss, xt, tt);
    let last = Infinity;
    for (let i = 0; i < 60; i++) last = trainStep(model, loss, x, t, sgd);
    const end = evaluate(model, loss, xt, tt);
    expect(start.accuracy).toBeLessThan(0.5);
    expect(last).toBeLessThan(0.3);
    expect(end.loss).toBeLessThan(start.loss / 3);
    expect(end.accuracy).toBeGreaterThan(0.9);
    const classes = predict(model, xt);
    const probs = model.forward(xt);
    model.releaseCache();
    expect(accuracy(tfOps, probs, tt)).toBe(end.accuracy);
    expect(classes.length).toBe(256);
    model.dispose();
    tf.dispose([x, t, xt, tt, probs]);
  });

  it('float32 training follows float64 training: 5 steps of a 64-32-16-10 MLP, losses and weights within 1e-4', () => {
    const rng = new Rng(11);
    const data = blobs(rng, 48, 64, 10);
    const run = <T>(ops: Ops<T>, makeLoss: (ops: Ops<T>) => Loss<T>) => {
      const model = new MLP<T>(64, [32, 16], 10, { ops, seed: 3, std: 0.1 });
      const loss = makeLoss(ops);
      const sgd = new SGD<T>(model.parameters(), { lr: 0.1, ops });
      const [x, t] = [ops.fromArray(data.x, [48, 64]), ops.fromArray(data.t, [48, 10])];
      const losses = Array.from({ length: 5 }, () => trainStep(model, loss, x, t, sgd));
      const weights = model.parameters().map((p) => ops.toArray(p.param));
      ops.dispose([x, t]);
      model.dispose();
      return { losses, weights };
    };
    for (const makeLoss of [<T>(ops: Ops<T>) => new CrossEntropy<T>({ ops }), <T>(ops: Ops<T>) => new SoftmaxCrossEntropy<T>({ ops })]) {
      const a = run(tfOps, makeLoss);
      const b = run(f64Ops, makeLoss);
      a.losses.forEach((l, i) => expect(Math.abs(l - b.losses[i]!) / b.losses[i]!).toBeLessThan(1e-4));
      a.weights.forEach((w, i) => {
        const ref = b.weights[i]!;
        const scale = Math.max(...ref.map(Math.abs));
        expect(Math.max(...w.map((v, j) => Math.abs(v - ref[j]!))) / scale).toBeLessThan(1e-4);
      });
    }
  });
});
