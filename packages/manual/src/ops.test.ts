// The two Ops implementations must mean the same thing: every op on float64 and on tfjs float32,
// same inputs, same results (to float32 accuracy), including broadcasting and reductions.
import { initBackend, Rng, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaledError } from '@backprop/tensor';
import { f64Ops } from './f64-ops.js';
import { F64Tensor } from './f64-tensor.js';
import type { Ops } from './ops.js';
import { tfOps } from './tf-ops.js';

const rng = new Rng(3);
const data = (n: number, positive = false) => Float64Array.from({ length: n }, () => Math.fround(positive ? 0.1 + rng.uniform() * 3 : rng.normal()));
const A = { values: data(12), shape: [3, 4] };
const P = { values: data(12, true), shape: [3, 4] };
const B = { values: data(20), shape: [4, 5] };
const ROW = { values: data(4), shape: [4] };
const ROW2 = { values: data(4), shape: [1, 4] };
const COL = { values: data(3), shape: [3, 1] };

type Case = [string, <T>(ops: Ops<T>, t: (a: { values: Float64Array; shape: number[] }) => T) => T];
const cases: Case[] = [
  ['add same shape', (o, t) => o.add(t(A), t(P))],
  ['add row [M]', (o, t) => o.add(t(A), t(ROW))],
  ['sub row [1, M]', (o, t) => o.sub(t(A), t(ROW2))],
  ['mul column [N, 1]', (o, t) => o.mul(t(A), t(COL))],
  ['div by column', (o, t) => o.div(t(A), t(COL))],
  ['add scalar', (o, t) => o.add(t(A), 2.5)],
  ['neg', (o, t) => o.neg(t(A))],
  ['matMul', (o, t) => o.matMul(t(A), t(B))],
  ['matMul Aᵀ', (o, t) => o.matMul(t(A), t(P), true, false)],
  ['matMul Bᵀ', (o, t) => o.matMul(t(A), t(P), false, true)],
  ['matMul AᵀBᵀ', (o, t) => o.matMul(t(B), t(A), true, true)],
  ['transpose', (o, t) => o.transpose(t(B))],
  ['reshape', (o, t) => o.reshape(t(A), [4, 3])],
  ['exp', (o, t) => o.exp(t(A))],
  ['log', (o, t) => o.log(t(P))],
  ['tanh', (o, t) => o.tanh(t(A))],
  ['sqrt', (o, t) => o.sqrt(t(P))],
  ['rsqrt', (o, t) => o.rsqrt(t(P))],
  ['square', (o, t) => o.square(t(A))],
  ['maximum', (o, t) => o.maximum(t(A), 0.1)],
  ['minimum', (o, t) => o.minimum(t(A), -0.1)],
  ['step', (o, t) => o.step(t(A))],
  ['sum all', (o, t) => o.sum(t(A))],
  ['sum axis 0', (o, t) => o.sum(t(A), 0)],
  ['sum axis 1 keepDims', (o, t) => o.sum(t(A), 1, true)],
  ['mean axis 1', (o, t) => o.mean(t(A), 1)],
  ['mean all', (o, t) => o.mean(t(A))],
  ['max axis 1 keepDims', (o, t) => o.max(t(A), 1, true)],
  ['max axis 0', (o, t) => o.max(t(A), 0)],
];

describe('Ops: float64 and tfjs float32 agree', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(cases)('%s', (_, fn) => {
    const want = fn(f64Ops, (a) => f64Ops.fromArray(a.values, a.shape));
    const got = tf.tidy(() => fn(tfOps, (a) => tfOps.fromArray(a.values, a.shape)));
    expect(tfOps.shape(got)).toEqual(f64Ops.shape(want));
    expect(scaledError(tfOps.toArray(got), want.data)).toBeLessThan(1e-6);
    got.dispose();
  });
});

describe('f64Ops', () => {
  it('broadcasts a [N, 1] column against a [1, M] row to [N, M]', () => {
    const col = F64Tensor.from([1, 2], [2, 1]);
    const row = F64Tensor.from([10, 20, 30], [1, 3]);
    const s = f64Ops.add(col, row);
    expect(s.shape).toEqual([2, 3]);
    expect([...s.data]).toEqual([11, 21, 31, 12, 22, 32]);
  });

  it('names the op and both shapes when shapes do not broadcast', () => {
    expect(() => f64Ops.mul(F64Tensor.zeros([2, 3]), F64Tensor.zeros([2, 4]))).toThrow('f64Ops.mul: shapes [2, 3] and [2, 4] do not broadcast');
    expect(() => f64Ops.matMul(F64Tensor.zeros([2, 3]), F64Tensor.zeros([2, 3]))).toThrow('f64Ops.matMul: inner sizes differ');
  });

  it('assign writes in place and checks the shape; variable and retain copy', () => {
    const v = f64Ops.variable(F64Tensor.from([1, 2], [2]));
    const snapshot = f64Ops.retain(v);
    const same = v;
    f64Ops.assign(v, F64Tensor.from([5, 6], [2]));
    expect([...same.data]).toEqual([5, 6]);
    expect([...snapshot.data]).toEqual([1, 2]);
    expect(() => f64Ops.assign(v, F64Tensor.zeros([3]))).toThrow('f64Ops.assign: value must have shape [2], got [3]');
  });

  it('F64Tensor rejects a shape that does not fit its data, or more than 2 axes', () => {
    expect(() => F64Tensor.from([1, 2, 3], [2, 2])).toThrow('F64Tensor: shape [2, 2] needs 4 values, got 3');
    expect(() => F64Tensor.zeros([1, 2, 3])).toThrow('at most 2 axes');
  });
});

describe('tfOps', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('assign replaces a variable in place without leaking, and retain survives the original', () => {
    const v = tfOps.variable(tf.zeros([2, 2]));
    const before = tf.memory().numTensors;
    tfOps.tidy(() => tfOps.assign(v, tf.ones([2, 2])));
    expect(tf.memory().numTensors).toBe(before);
    expect([...tfOps.toArray(v)]).toEqual([1, 1, 1, 1]);
    const x = tf.tensor([1, 2, 3]);
    const kept = tfOps.tidy(() => tfOps.retain(x));
    x.dispose();
    expect([...tfOps.toArray(kept)]).toEqual([1, 2, 3]);
    tf.dispose([kept, v]);
    expect(() => tfOps.assign(tf.zeros([1]), tf.zeros([1]))).toThrow('target must be a variable');
  });
});
