// Test helpers (the `@backprop/tensor/test` subpath): comparisons with clear messages and
// seeded random tensors. Framework-free: they throw, so any test runner reports them.
import { tf } from '../tf.js';
import { Rng, randomNormal } from '../random.js';

type Numeric = tf.Tensor | ArrayLike<number> | number;

function toArray(v: Numeric): { values: ArrayLike<number>; shape: number[] | null } {
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (v instanceof tf.Tensor) return { values: v.dataSync(), shape: v.shape };
  return { values: v, shape: null };
}

/** max |a−b| / max(1e-8, |a|+|b|): the relative error of the original assignment's tests. */
export function relativeError(actual: Numeric, expected: Numeric): number {
  const a = toArray(actual).values;
  const b = toArray(expected).values;
  if (a.length !== b.length) throw new Error(`relativeError: sizes differ, actual ${a.length} vs expected ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const err = Math.abs(x - y) / Math.max(1e-8, Math.abs(x) + Math.abs(y));
    if (err > worst || Number.isNaN(err)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

export interface CloseOptions {
  /** Relative tolerance, per element: |a−b| ≤ atol + rtol·|b|. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Name used in the error message. */
  name?: string;
}

/** Throws, naming the first offending index, unless every element is close (numpy.allclose rule). */
export function expectClose(actual: Numeric, expected: Numeric, { rtol = 1e-4, atol = 1e-6, name = 'value' }: CloseOptions = {}): void {
  const a = toArray(actual);
  const b = toArray(expected);
  if (a.shape && b.shape && a.shape.join(',') !== b.shape.join(',')) {
    throw new Error(`expectClose(${name}): shape [${a.shape.join(', ')}] differs from expected [${b.shape.join(', ')}]`);
  }
  if (a.values.length !== b.values.length) {
    throw new Error(`expectClose(${name}): size ${a.values.length} differs from expected ${b.values.length}`);
  }
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      throw new Error(`expectClose(${name}): element ${i} is ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > atol ${atol} + rtol ${rtol}·|expected|)`);
    }
  }
}

/** A seeded N(0, 1) float32 tensor: the same values for the same seed on every backend. */
export function seededTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  return randomNormal(shape, new Rng(seed), { std });
}

/** Runs fn and returns how many tensors it left behind (0 means no leak). */
export function leakedTensors(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}

export { conv3x3F64, conv3x3FilterGradF64, conv3x3InputGradF64, type ConvShape } from '../kernels/direct-conv-f64.js';
