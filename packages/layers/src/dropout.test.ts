import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';

beforeAll(async () => {
  await initBackend();
});

describe('Dropout', () => {
  it('train: zeros a fraction ≈ p and scales the rest by 1/(1 − p); eval: the identity', () => {
    const x = tf.ones([200, 50]);
    const drop = new Dropout(0.3, { seed: 1 });
    const y = drop.forward(x);
    const v = y.dataSync();
    const zeros = v.filter((e) => e === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.28);
    expect(zeros).toBeLessThan(0.32);
    for (const e of v) if (e !== 0) expect(e).toBeCloseTo(1 / 0.7, 6);
    drop.eval();
    const z = drop.forward(x);
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, z]);
  });

  it('is seeded: the same seed drops the same elements; the gradient passes only through kept ones', () => {
    const x = tf.variable(tf.ones([4, 8]));
    const a = new Dropout(0.5, { seed: 3 }).forward(x);
    const b = new Dropout(0.5, { seed: 3 }).forward(x);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const drop = new Dropout(0.5, { seed: 3 });
    const { grads } = tf.variableGrads(() => tf.sum(drop.forward(x)) as tf.Scalar, [x]);
    expect(Array.from(grads[x.name]!.dataSync())).toEqual(Array.from(a.dataSync())); // d(sum(x·mask))/dx = mask
    tf.dispose([x, a, b, ...Object.values(grads)]);
  });

  it('p = 0 and p = 1 as PyTorch; a bad p is named', () => {
    const x = tf.ones([3]);
    const [y0, y1] = [new Dropout(0).forward(x), new Dropout(1).forward(x)];
    expect(Array.from(y0.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(y1.dataSync())).toEqual([0, 0, 0]);
    expect(() => new Dropout(1.5)).toThrow('Dropout: p must be a probability in [0, 1], got 1.5');
    expect(String(new Dropout(0.2))).toBe('Dropout(p=0.2, inplace=False)');
    tf.dispose([x, y0, y1]);
  });
});
