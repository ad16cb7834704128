// BatchNorm's running-statistics update as one kernel: the same bits as the seven tfjs ops
// @backprop/layers' BatchNorm runs without it (stock WASM kernels), a clear error for a wrong shape,
// and nothing left behind.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { fusedBatchNormRunningStats } from '../ops/batch-norm.js';
import { sameBits, seededNormals } from '../test/index.js';

beforeAll(async () => {
  await initBackend({ threads: 2 });
});

/** The update as tfjs ops: running·(1 − m) + batch·m, the variance's batch term unbiased first. */
function withOps(rm: tf.Tensor, rv: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, m: number, count: number): tf.Tensor[] {
  return tf.tidy(() => {
    const unbiased = tf.mul(variance, count / (count - 1));
    return [tf.add(tf.mul(rm, 1 - m), tf.mul(mean, m)), tf.add(tf.mul(rv, 1 - m), tf.mul(unbiased, m))];
  });
}

describe('fusedBatchNormRunningStats', () => {
  it.each([[3, 0.1, 4096], [64, 0.1, 2], [130, 0.37, 513], [512, 0.01, 32]])('C = %i, momentum %f, %i rows: the same bits as the ops', (c, m, count) => {
    const [rm, mean] = [tf.tensor(seededNormals(c, 50)), tf.tensor(seededNormals(c, 51).map((x) => 3 * x))];
    // Variances over several orders of magnitude, so the sums round in different places.
    const [rv, variance] = [tf.tensor(seededNormals(c, 52).map((x) => Math.exp(4 * x))), tf.tensor(seededNormals(c, 53).map((x) => Math.exp(4 * x)))];
    const start = tf.memory().numTensors;
    const want = withOps(rm, rv, mean, variance, m, count);
    expect(tf.memory().numTensors).toBe(start + 2);
    const before = tf.memory().numTensors;
    const got = fusedBatchNormRunningStats(rm, rv, mean, variance, m, count);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(sameBits(got[0].dataSync() as Float32Array, want[0]!.dataSync() as Float32Array)).toBe(true);
    expect(sameBits(got[1].dataSync() as Float32Array, want[1]!.dataSync() as Float32Array)).toBe(true);
    tf.dispose([rm, rv, mean, variance, ...want, ...got]);
  });

  it('names the argument whose shape is wrong', () => {
    const [a, b, square] = [tf.zeros([4]), tf.zeros([3]), tf.zeros([2, 2])];
    expect(() => fusedBatchNormRunningStats(a, a, b, a, 0.1, 8)).toThrow(/BackpropBatchNormRunningStats: mean must be float32 \[4\], got float32 \[3\]/);
    expect(() => fusedBatchNormRunningStats(square, a, a, a, 0.1, 8)).toThrow(/runningMean must be \[C\], got \[2, 2\]/);
    tf.dispose([a, b, square]);
  });
});
