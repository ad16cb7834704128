import { initBackend, Rng, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { ConvNet } from './convnet.js';
import { Linear } from './linear.js';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { Adam } from './adam.js';
import { trainStep } from './train-step.js';
import { LayerNormManual } from './layer-norm-manual.js';
import { MLP } from './mlp.js';

beforeAll(async () => {
  await initBackend();
});

describe('MLP', () => {
  it('builds Linear → activation [→ norm] per hidden layer with PyTorch names', () => {
    const m = new MLP(3072, [100, 100], 10, { activation: 'elu', batchNorm: true, seed: 1 });
    expect(m.namedParameters().map(([n, v]) => `${n} ${v.shape.join('x')}`)).toEqual([
      'layers.0.weight 100x3072',
      'layers.0.bias 100',
      'layers.2.weight 100',
      'layers.2.bias 100',
      'layers.3.weight 100x100',
      'layers.3.bias 100',
      'layers.5.weight 100',
      'layers.5.bias 100',
      'layers.6.weight 10x100',
      'layers.6.bias 10',
    ]);
    expect(m.layers.at(2)).toBeInstanceOf(BatchNorm1d);
    const ln = new MLP(20, [8], 3, { layerNorm: true });
    expect(ln.layers.at(2)).toBeInstanceOf(LayerNormManual);
    expect(new MLP(20, [8, 8], 3, { activation: 'tanh' }).layers.length).toBe(5);
    [m, ln].forEach((x) => x.dispose());
  });

  it('maps [N, nInputs] or NHWC images to logits, and the seed fixes the weights', () => {
    const a = new MLP(48, [16], 10, { seed: 4 });
    const b = new MLP(48, [16], 10, { seed: 4 });
    const x = seededTensor([5, 48], 1);
    const ya = a.forward(x);
    expect(ya.shape).toEqual([5, 10]);
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(ya.dataSync()));
    expect(a.forward(tf.reshape(x, [5, 4, 4, 3])).shape).toEqual([5, 10]);
    expect(() => a.forward(tf.zeros([5, 47]))).toThrow('MLP.forward: x must have shape [N, 48] (or images with 48 values each), got [5, 47]');
    [a, b].forEach((m) => m.dispose());
  });

  it('checks its options', () => {
    expect(() => new MLP(10, [5], 2, { batchNorm: true, layerNorm: true })).toThrow(/batchNorm or layerNorm, not both/);
    expect(() => new MLP(10, [5], 2, { activation: 'gelu' as never })).toThrow(/activation must be 'elu', 'tanh', 'relu' or 'sigmoid', got 'gelu'/);
    expect(() => new MLP(10, [0], 2)).toThrow(/nHidden\[0\] must be a positive integer/);
  });

  it('takes seed or rng, as Linear, Conv2d and ConvNet do: { rng: new Rng(s) } gives the weights of { seed: s }', () => {
    const weights = (m: { parameters(): tf.Variable[]; dispose(): void }) => {
      const out = m.parameters().map((v) => Array.from(v.dataSync()));
      m.dispose();
      return out;
    };
    expect(weights(new MLP(6, [4], 2, { rng: new Rng(9) }))).toEqual(weights(new MLP(6, [4], 2, { seed: 9 })));
    expect(weights(new Linear(3, 2, { rng: new Rng(9) }))).toEqual(weights(new Linear(3, 2, { seed: 9 })));
    expect(weights(new Conv2d(2, 3, 3, { rng: new Rng(9) }))).toEqual(weights(new Conv2d(2, 3, 3, { seed: 9 })));
    expect(() => new MLP(6, [4], 2, { seed: 1, rng: new Rng(1) })).toThrow('MLP: give seed or rng, not both');
    expect(() => new ConvNet(3, 10, { seed: 1.5 })).toThrow('ConvNet: seed must be an integer, got 1.5');
  });
});

describe('ConvNet', () => {
  let net: ConvNet;
  beforeAll(() => {
    net = new ConvNet();
  });
  afterAll(() => net.dispose());

  it('has the reference settings\' Part 4 layout: 11.2M parameters, 9 pre-activation blocks, PyTorch names', () => {
    const names = net.namedParameters().map(([n]) => n);
    expect(names.slice(0, 6)).toEqual(['features.0.weight', 'features.0.bias', 'features.1.bn.weight', 'features.1.bn.bias', 'features.1.conv.weight', 'features.1.conv.bias']);
    expect(names.slice(-4)).toEqual(['features.18.weight', 'features.18.bias', 'classifier.weight', 'classifier.bias']);
    expect(names.filter((n) => n.endsWith('.conv.weight'))).toHaveLength(9);
    // conv0 1,792 · blocks 64:37,056 · 128:2×147,712 · 256:2×590,336 · 512:4×2,360,320 · 1×1 convs
    // 8,320 + 33,024 + 131,584 · final BN 1,024 · Linear 5,130 (and the blocks' BN γ, β).
    const expected =
      (3 * 64 * 9 + 64) +
      (128 + 64 * 64 * 9 + 64) +
      (64 * 128 + 128) +
      2 * (256 + 128 * 128 * 9 + 128) +
      (128 * 256 + 256) +
      2 * (512 + 256 * 256 * 9 + 256) +
      (256 * 512 + 512) +
      4 * (1024 + 512 * 512 * 9 + 512) +
      1024 +
      (512 * 10 + 10);
    expect(net.numParameters()).toBe(expected);
    expect(net.namedBuffers()).toHaveLength(3 * 10);
  });

  it('trains: an Adam step (batch 4) changes every parameter and leaves tf.memory().numTensors unchanged', () => {
    net.train();
    const x = seededTensor([4, 32, 32, 3], 3, 50);
    const opt = new Adam(net.parameters(), { lr: 1e-4 });
    const ce = new CrossEntropyLoss();
    trainStep(net, ce, x, [1, 2, 3, 4], opt); // first step creates Adam's moment variables
    const before = tf.memory().numTensors;
    const snapshot = net.parameters().map((p) => p.dataSync().slice());
    const loss = trainStep(net, ce, x, [1, 2, 3, 4], opt);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(loss)).toBe(true);
    const unchanged = net.namedParameters().filter(([, p], i) => p.dataSync().every((v, j) => v === snapshot[i]![j]));
    expect(unchanged.map(([n]) => n)).toEqual([]);
    opt.dispose();
    x.dispose();
  });

  it('maps NHWC [N, 32, 32, 3] to logits [N, 10] and refuses NCHW', () => {
    net.eval();
    const y = net.forward(tf.zeros([2, 32, 32, 3]));
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    expect(() => net.forward(tf.zeros([2, 3, 32, 32]))).toThrow('ConvNet.forward: x must have shape [N, 32, 32, 3] (NHWC), got [2, 3, 32, 32]');
  });
});
