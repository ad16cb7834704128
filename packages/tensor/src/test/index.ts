// Test helpers (the `@backprop/tensor/test` subpath): comparisons with clear messages and
// seeded random tensors. Framework-free: they throw, so any test runner reports them.
import { tf } from '../tf.js';
import { Rng, randomNormal } from '../random.js';
import { shapeStr } from '../checks.js';

type Numeric = tf.Tensor | ArrayLike<number> | number;

function toArray(v: Numeric): { values: ArrayLike<number>; shape: number[] | null } {
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (v instanceof tf.Tensor) return { values: v.dataSync(), shape: v.shape };
  return { values: v, shape: null };
}

/** The error measures, for tests (documented in ../error-measures.ts). */
export { maxAbsError, relError, scaledError } from '../error-measures.js';

/**
 * Runs `fn` (which builds its inputs from plain arrays) inside `tidy` on `backend` and returns its
 * values; the previous backend is active again afterwards. For comparing backends on one computation.
 */
export async function valuesOn(backend: 'wasm' | 'cpu', fn: () => tf.Tensor): Promise<Float32Array> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const out = tf.tidy(fn);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  } finally {
    if (previous != null && previous !== backend) await tf.setBackend(previous);
  }
}

/** Whether two float32 arrays hold the same bits (deterministic kernels: 1 thread against 2). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  // Compare the bits, not the values: NaN ≠ NaN and 0 = −0 as floats.
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((bits, i) => bits === ub[i]);
}

/**
 * Same bits element by element, except that any NaN matches any NaN. For two *different* code paths
 * that should agree: WebAssembly leaves the sign and payload of a NaN result to the engine (V8 may
 * swap the operands of a float add, which decides whose NaN an add passes on), so only the same
 * code path is bit-identical in its NaNs too.
 */
export function sameBitsUpToNaN(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.every((bits, i) => bits === ub[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])));
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
    throw new Error(`expectClose(${name}): shape ${shapeStr(a.shape)} differs from expected ${shapeStr(b.shape)}`);
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

/** `n` seeded N(0, 1) float32 values (plain arrays, to build the same tensors on several backends). */
export const seededNormals = (n: number, seed: number): Float32Array => new Rng(seed).fillNormal(new Float32Array(n));

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
