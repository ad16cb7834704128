// The reference implementation of `Ops`: F64Tensor, float64, plain loops. Meant for the small
// shapes of gradient checks and fixtures, not for training.
import { shapeSize, shapeStr } from '@backprop/tensor';
import { F64Tensor } from './f64-tensor.js';
import type { Axis, Ops, Tidied } from './ops.js';

function broadcastDim(a: number, b: number, op: string, sa: readonly number[], sb: readonly number[]): number {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  throw new Error(`f64Ops.${op}: shapes ${shapeStr(sa)} and ${shapeStr(sb)} do not broadcast`);
}

function binary(op: string, a: F64Tensor, b: F64Tensor | number, f: (x: number, y: number) => number): F64Tensor {
  if (typeof b === 'number') return map(a, (x) => f(x, b));
  const [ra, ca] = a.rowsCols;
  const [rb, cb] = b.rowsCols;
  const rows = broadcastDim(ra, rb, op, a.shape, b.shape);
  const cols = broadcastDim(ca, cb, op, a.shape, b.shape);
  const rank = Math.max(a.rank, b.rank);
  const shape = rank === 2 ? [rows, cols] : rank === 1 ? [cols] : [];
  const out = new Float64Array(rows * cols);
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < rows; i++) {
    const ia = ra === 1 ? 0 : i * ca;
    const ib = rb === 1 ? 0 : i * cb;
    for (let j = 0; j < cols; j++) {
      out[i * cols + j] = f(ad[ia + (ca === 1 ? 0 : j)]!, bd[ib + (cb === 1 ? 0 : j)]!);
    }
  }
  return new F64Tensor(out, shape);
}

/**
 * The four arithmetic ops with the common cases (a scalar, or equal shapes) as plain loops:
 * gradient checks call them millions of times, and a per-element closure call is what costs.
 */
function arithmetic(op: 'add' | 'sub' | 'mul' | 'div', f: (x: number, y: number) => number) {
  return (a: F64Tensor, b: F64Tensor | number): F64Tensor => {
    const same = typeof b !== 'number' && b.rank === a.rank && b.shape.every((d, i) => d === a.shape[i]);
    if (typeof b !== 'number' && !same) return binary(op, a, b, f);
    const ad = a.data;
    const out = new Float64Array(ad.length);
    const n = out.length;
    if (typeof b === 'number') {
      if (op === 'add') for (let i = 0; i < n; i++) out[i] = ad[i]! + b;
      else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = ad[i]! - b;
      else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = ad[i]! * b;
      else for (let i = 0; i < n; i++) out[i] = ad[i]! / b;
    } else {
      const bd = b.data;
      if (op === 'add') for (let i = 0; i < n; i++) out[i] = ad[i]! + bd[i]!;
      else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = ad[i]! - bd[i]!;
      else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = ad[i]! * bd[i]!;
      else for (let i = 0; i < n; i++) out[i] = ad[i]! / bd[i]!;
    }
    return new F64Tensor(out, a.shape);
  };
}

function map(x: F64Tensor, f: (v: number) => number): F64Tensor {
  const out = new Float64Array(x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]!);
  return new F64Tensor(out, x.shape);
}

function transpose(x: F64Tensor): F64Tensor {
  if (x.rank !== 2) throw new Error(`f64Ops.transpose: x must be 2-D, got ${shapeStr(x.shape)}`);
  const [r, c] = x.rowsCols;
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x.data[i * c + j]!;
  return new F64Tensor(out, [c, r]);
}

function reduce(
  op: string,
  x: F64Tensor,
  axis: Axis | undefined,
  keepDims: boolean,
  init: number,
  f: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (acc) => acc,
): F64Tensor {
  const d = x.data;
  if (axis === undefined) {
    let acc = init;
    for (let i = 0; i < d.length; i++) acc = f(acc, d[i]!);
    return new F64Tensor(Float64Array.of(finish(acc, d.length)), keepDims ? x.shape.map(() => 1) : []);
  }
  if (x.rank !== 2) throw new Error(`f64Ops.${op}: reducing along an axis needs a 2-D x, got ${shapeStr(x.shape)}`);
  const [r, c] = x.rowsCols;
  if (axis === 0) {
    const out = new Float64Array(c).fill(init);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j] = f(out[j]!, d[i * c + j]!);
    for (let j = 0; j < c; j++) out[j] = finish(out[j]!, r);
    return new F64Tensor(out, keepDims ? [1, c] : [c]);
  }
  const out = new Float64Array(r).fill(init);
  for (let i = 0; i < r; i++) {
    let acc = init;
    for (let j = 0; j < c; j++) acc = f(acc, d[i * c + j]!);
    out[i] = finish(acc, c);
  }
  return new F64Tensor(out, keepDims ? [r, 1] : [r]);
}

export const f64Ops: Ops<F64Tensor> = {
  dtype: 'float64',
  name: 'float64 reference',

  shape: (x) => x.shape.slice(),
  fromArray: (values, shape) => F64Tensor.from(values, shape),
  toArray: (x) => x.data.slice(),
  zeros: (shape) => F64Tensor.zeros(shape),
  fill: (shape, value) => {
    const t = F64Tensor.zeros(shape);
    t.data.fill(value);
    return t;
  },

  variable: (initial) => initial.clone(),
  assign(target, value) {
    if (target.shape.join(',') !== value.shape.join(',')) {
      throw new Error(`f64Ops.assign: value must have shape ${shapeStr(target.shape)}, got ${shapeStr(value.shape)}`);
    }
    target.data.set(value.data);
  },
  sgdStep: (param, grad, lr) => f64Ops.sub(param, f64Ops.mul(grad, lr)),

  tidy: <R extends Tidied<F64Tensor>>(fn: () => R): R => fn(),
  keep: (x) => x,
  // A snapshot, as on the tf path: later in-place assigns to x must not change the cached value.
  retain: (x) => x.clone(),
  dispose: () => {},

  add: arithmetic('add', (x, y) => x + y),
  sub: arithmetic('sub', (x, y) => x - y),
  mul: arithmetic('mul', (x, y) => x * y),
  div: arithmetic('div', (x, y) => x / y),
  neg: (x) => map(x, (v) => -v),
  matMul(a, b, transposeA = false, transposeB = false) {
    if (a.rank !== 2 || b.rank !== 2) {
      throw new Error(`f64Ops.matMul: operands must be 2-D, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
    }
    const A = transposeA ? transpose(a) : a;
    const B = transposeB ? transpose(b) : b;
    const [m, k] = A.rowsCols;
    const [k2, n] = B.rowsCols;
    if (k !== k2) throw new Error(`f64Ops.matMul: inner sizes differ, ${shapeStr(A.shape)}·${shapeStr(B.shape)}`);
    const out = new Float64Array(m * n);
    const ad = A.data;
    const bd = B.data;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = ad[i * k + p]!;
        for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + aip * bd[p * n + j]!;
      }
    }
    return new F64Tensor(out, [m, n]);
  },
  transpose,
  reshape(x, shape) {
    const size = shapeSize(shape);
    if (size !== x.size) throw new Error(`f64Ops.reshape: cannot reshape ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
    return new F64Tensor(x.data.slice(), shape);
  },

  exp: (x) => map(x, Math.exp),
  log: (x) => map(x, Math.log),
  tanh: (x) => map(x, Math.tanh),
  sqrt: (x) => map(x, Math.sqrt),
  rsqrt: (x) => map(x, (v) => 1 / Math.sqrt(v)),
  square: (x) => map(x, (v) => v * v),
  maximum: (x, value) => map(x, (v) => Math.max(v, value)),
  minimum: (x, value) => map(x, (v) => Math.min(v, value)),
  step: (x) => map(x, (v) => (v > 0 ? 1 : 0)),

  sum: (x, axis, keepDims = false) => reduce('sum', x, axis, keepDims, 0, (acc, v) => acc + v),
  mean: (x, axis, keepDims = false) => reduce('mean', x, axis, keepDims, 0, (acc, v) => acc + v, (acc, n) => acc / n),
  max: (x, axis, keepDims = false) => reduce('max', x, axis, keepDims, -Infinity, (acc, v) => (v > acc ? v : acc)),
};
