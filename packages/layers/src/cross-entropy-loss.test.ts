import { initBackend, tf } from '@backprop/tensor';
import { expectClose } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { classIndices, CrossEntropyLoss } from './cross-entropy-loss.js';

beforeAll(async () => {
  await initBackend();
});

const logits = [
  [2, -1, 0.5],
  [-3, 4, 1],
];
const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
};

describe('CrossEntropyLoss', () => {
  it('is the mean negative log-softmax of the target class (PyTorch on logits)', () => {
    const ce = new CrossEntropyLoss();
    const loss = ce.forward(tf.tensor2d(logits), tf.tensor1d([0, 2], 'int32'));
    const expected = -(logSoftmax(logits[0]!)[0]! + logSoftmax(logits[1]!)[2]!) / 2;
    expectClose(loss, expected, { rtol: 1e-6 });
    expect(loss.shape).toEqual([]);
  });

  it('accepts labels as numbers, one-hot rows, and reductions sum/none', () => {
    const x = tf.tensor2d(logits);
    const byIndex = new CrossEntropyLoss().forward(x, [0, 2]).dataSync()[0]!;
    const byOneHot = new CrossEntropyLoss().forward(x, tf.tensor2d([[1, 0, 0], [0, 0, 1]])).dataSync()[0]!;
    expect(byOneHot).toBeCloseTo(byIndex, 6);
    expectClose(new CrossEntropyLoss({ reduction: 'sum' }).forward(x, [0, 2]), 2 * byIndex, { rtol: 1e-6 });
    expectClose(new CrossEntropyLoss({ reduction: 'none' }).forward(x, [0, 2]), [-logSoftmax(logits[0]!)[0]!, -logSoftmax(logits[1]!)[2]!], { rtol: 1e-6 });
  });

  it('gradient w.r.t. the logits is (softmax − onehot)/N', () => {
    const x = tf.tensor2d(logits);
    const g = tf.grad((v: tf.Tensor) => new CrossEntropyLoss().forward(v, [1, 0]))(x);
    const expected = logits.flatMap((row, i) => logSoftmax(row).map((l, j) => (Math.exp(l) - (j === [1, 0][i] ? 1 : 0)) / 2));
    expectClose(g, expected, { rtol: 1e-5, atol: 1e-7 });
  });

  it('stays finite for large logits', () => {
    const loss = new CrossEntropyLoss().forward(tf.tensor2d([[1000, 0, -1000]]), [1]);
    expectClose(loss, 1000, { rtol: 1e-6 });
  });

  it('refuses out-of-range labels and mismatched shapes', () => {
    const x = tf.tensor2d(logits);
    expect(() => new CrossEntropyLoss().forward(x, [0, 3])).toThrow('CrossEntropyLoss.forward: target[1] must be a class index in [0, 3), got 3');
    expect(() => new CrossEntropyLoss().forward(x, [0])).toThrow(/target must have shape \[2\] or \[2, 3\], got \[1\]/);
    expect(() => new CrossEntropyLoss().forward(tf.zeros([2]), [0])).toThrow(/logits must have shape \[N, C\]/);
  });

  it('class indices from classIndices (the batch path) are range-checked once in JS: the loss does not read them back', () => {
    const x = tf.tensor2d(logits);
    const y = classIndices([0, 2], 3);
    const read = vi.spyOn(y, 'dataSync');
    const loss = new CrossEntropyLoss().forward(x, y);
    expect(read).not.toHaveBeenCalled();
    expectClose(loss, -(logSoftmax(logits[0]!)[0]! + logSoftmax(logits[1]!)[2]!) / 2, { rtol: 1e-6 });
    expect(() => classIndices([0, 3], 3)).toThrow('classIndices: labels[1] must be a class index in [0, 3), got 3');
    expect(() => classIndices([0, -1], 3)).toThrow('classIndices: labels[1] must be a class index in [0, 3), got -1');
    // checked for 3 classes is not checked for 2: label 2 is out of range there
    expect(() => new CrossEntropyLoss().forward(tf.tensor2d([[1, 2], [3, 4]]), y)).toThrow('CrossEntropyLoss.forward: target[1] must be a class index in [0, 2), got 2');
  });

  it("a user's own int32 label tensor is still read back and checked (PyTorch's error)", () => {
    const x = tf.tensor2d(logits);
    const ok = tf.tensor1d([0, 2], 'int32');
    const read = vi.spyOn(ok, 'dataSync');
    new CrossEntropyLoss().forward(x, ok);
    expect(read).toHaveBeenCalledTimes(1);
    expect(() => new CrossEntropyLoss().forward(x, tf.tensor1d([3, 0], 'int32'))).toThrow('CrossEntropyLoss.forward: target[0] must be a class index in [0, 3), got 3');
  });
});
