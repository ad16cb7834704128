import { initBackend, tf } from '@backprop/tensor';
import { expectClose, sameBits, seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { relToMax } from './testing/fixtures.js';

beforeAll(async () => {
  await initBackend();
});

/** Per-column mean, biased and unbiased variance of rows (float64). */
function columnStats(rows: number[][]): { mean: number[]; biased: number[]; unbiased: number[] } {
  const n = rows.length;
  const c = rows[0]!.length;
  const mean = Array.from({ length: c }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const ss = Array.from({ length: c }, (_, j) => rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0));
  return { mean, biased: ss.map((v) => v / n), unbiased: ss.map((v) => v / (n - 1)) };
}

describe('BatchNorm1d', () => {
  it('train: normalises with batch mean and biased variance, moves running stats towards the unbiased variance', () => {
    const bn = new BatchNorm1d(3);
    const x = tf.tidy(() => tf.add(tf.mul(seededTensor([8, 3], 1), 3), 5));
    const rows = x.arraySync() as number[][];
    const { mean, biased, unbiased } = columnStats(rows);
    const y = bn.forward(x);
    const expected = rows.flatMap((r) => r.map((v, j) => (v - mean[j]!) / Math.sqrt(biased[j]! + 1e-5)));
    expectClose(y, expected, { rtol: 1e-4, atol: 1e-5, name: 'y' });
    expectClose(bn.runningMean, mean.map((m) => 0.1 * m), { rtol: 1e-5, name: 'running_mean' });
    expectClose(bn.runningVar, unbiased.map((v) => 0.9 + 0.1 * v), { rtol: 1e-5, name: 'running_var' });
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(1);
    bn.forward(x).dispose();
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(2);
    expectClose(bn.runningMean, mean.map((m) => 0.9 * 0.1 * m + 0.1 * m), { rtol: 1e-5, name: 'running_mean after 2' });
    bn.dispose();
  });

  it('eval: uses the running statistics and γ, β, and leaves them unchanged', () => {
    const bn = new BatchNorm1d(2, { eps: 1e-3 });
    bn.runningMean.assign(tf.tensor1d([1, -2]));
    bn.runningVar.assign(tf.tensor1d([4, 0.25]));
    bn.weight!.assign(tf.tensor1d([2, 3]));
    bn.bias!.assign(tf.tensor1d([0.5, -1]));
    bn.eval();
    const y = bn.forward(tf.tensor2d([[3, -1]]));
    expectClose(y, [2 * (2 / Math.sqrt(4.001)) + 0.5, 3 * (1 / Math.sqrt(0.251)) - 1], { rtol: 1e-5 });
    expectClose(bn.runningMean, [1, -2]);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(0);
    bn.dispose();
  });

  it('gradients through the batch statistics: Σ dx = 0 per feature, dβ = Σ dy', () => {
    const bn = new BatchNorm1d(4);
    const x = seededTensor([6, 4], 2);
    const dy = seededTensor([6, 4], 3);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(bn.forward(v), dy)))(x);
    expectClose(tf.sum(dx, 0), [0, 0, 0, 0], { atol: 1e-5 });
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), dy)) as tf.Scalar, [bn.bias!]);
    expectClose(grads[bn.bias!.name]!, tf.sum(dy, 0), { rtol: 1e-5 });
    bn.dispose();
  });

  it('the closed-form training backward equals autograd through the batch moments (rel. < 1e-4)', () => {
    const bn = new BatchNorm1d(5);
    bn.weight!.assign(tf.tensor1d([0.5, 1, 1.5, 2, -1]));
    bn.bias!.assign(tf.tensor1d([0, 0.1, 0.2, 0.3, 0.4]));
    const x = tf.tidy(() => tf.add(tf.mul(seededTensor([7, 5], 8), 3), 4));
    const r = seededTensor([7, 5], 9);
    const reference = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(v, 0);
      return tf.add(tf.mul(tf.div(tf.sub(v, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
    };
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(bn.forward(v), r)))(x);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), r)) as tf.Scalar, [bn.weight!, bn.bias!]);
    const a = [dx, grads[bn.weight!.name]!, grads[bn.bias!.name]!];
    const b = tf.grads((v: tf.Tensor, g: tf.Tensor, be: tf.Tensor) => tf.sum(tf.mul(reference(v, g, be), r)))([x, bn.weight!, bn.bias!]);
    for (let i = 0; i < 3; i++) expect(relToMax(a[i]!.dataSync(), b[i]!.dataSync()), ['dx', 'dγ', 'dβ'][i]).toBeLessThan(1e-4);
    expect(relToMax(bn.forward(x).dataSync(), reference(x, bn.weight!, bn.bias!).dataSync())).toBeLessThan(1e-5);
    bn.dispose();
  });

  it('errors name the expected shape, and one value per channel in training is refused as in PyTorch', () => {
    const bn = new BatchNorm1d(100);
    expect(() => bn.forward(tf.zeros([4, 99]))).toThrow('BatchNorm1d.forward: x must have shape [N, 100], got [4, 99]');
    expect(() => bn.forward(tf.zeros([1, 100]))).toThrow(/more than 1 value per channel when training/);
    expect(() => bn.eval().forward(tf.zeros([1, 100])).dispose()).not.toThrow();
    bn.dispose();
  });
});

describe('BatchNorm2d', () => {
  it('normalises NHWC per channel over N, H, W', () => {
    const bn = new BatchNorm2d(3);
    const x = seededTensor([2, 4, 5, 3], 4);
    const rows = (tf.reshape(x, [40, 3]).arraySync() as number[][]);
    const { mean, biased, unbiased } = columnStats(rows);
    const y = bn.forward(x);
    expect(y.shape).toEqual([2, 4, 5, 3]);
    expectClose(y, rows.flatMap((r) => r.map((v, j) => (v - mean[j]!) / Math.sqrt(biased[j]! + 1e-5))), { rtol: 1e-4, atol: 1e-5 });
    expectClose(bn.runningVar, unbiased.map((v) => 0.9 + 0.1 * v), { rtol: 1e-5 });
    expect(() => bn.forward(tf.zeros([2, 3, 4, 4]))).toThrow('BatchNorm2d.forward: x must have shape [N, H, W, 3] (NHWC), got [2, 3, 4, 4]');
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    bn.dispose();
  });
});

describe('BatchNorm2d.forwardRelu', () => {
  /** Output, dx, dγ, dβ and the running statistics of ReLU(BN(x)) · w summed, by `run`. */
  async function outcome(run: (bn: BatchNorm2d, x: tf.Tensor) => tf.Tensor, training: boolean): Promise<Float32Array[]> {
    const bn = new BatchNorm2d(6);
    bn.weight!.assign(seededTensor([6], 71));
    bn.bias!.assign(seededTensor([6], 72));
    if (!training) bn.eval();
    const x = seededTensor([4, 5, 5, 6], 73);
    const w = seededTensor([4, 5, 5, 6], 74);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(bn, x), w)) as tf.Scalar, [bn.weight!, bn.bias!]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(run(bn, v), w)))(x);
    const y = run(bn, x);
    const out = await Promise.all([y, dx, grads[bn.weight!.name]!, grads[bn.bias!.name]!, bn.runningMean, bn.runningVar, value].map(async (t) => Float32Array.from(await t.data())));
    tf.dispose([x, w, y, dx, value, ...Object.values(grads)]);
    bn.dispose();
    return out;
  }

  it.each([true, false])('training %s: the values and gradients of relu(forward(x)), bit for bit, and the same running statistics', async (training) => {
    const fused = await outcome((bn, x) => bn.forwardRelu(x), training);
    const separate = await outcome((bn, x) => tf.relu(bn.forward(x)), training);
    const names = ['y', 'dx', 'dγ', 'dβ', 'running mean', 'running var', 'loss'];
    fused.forEach((v, i) => expect(sameBits(v, separate[i]!), names[i]).toBe(true));
    expect(fused[0]!.some((v) => v === 0) && fused[0]!.some((v) => v > 0)).toBe(true);
  });

  it('in training on the engine, one kernel each way: no Relu and no ReLU gradient kernel', async () => {
    const bn = new BatchNorm2d(8);
    const x = seededTensor([2, 4, 4, 8], 75);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      tf.grad((v: tf.Tensor) => tf.sum(bn.forwardRelu(v)))(x).dispose();
    });
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain('BackpropBatchNormForward');
    expect(kernels).not.toContain('Relu');
    expect(kernels).not.toContain('BackpropReluGrad');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    bn.dispose();
  });
});
