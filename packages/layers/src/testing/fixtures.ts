// Reading the committed PyTorch fixtures (fixtures/*.safetensors) in tests.
import { readFileSync } from 'node:fs';
import { tf } from '@backprop/tensor';
import { decodeSafetensors, type SafetensorsFile, type SafetensorsTensor } from '../safetensors.js';

export const fixturesDir = new URL('../../fixtures/', import.meta.url);

export function readFixture(name: string): SafetensorsFile {
  return decodeSafetensors(readFileSync(new URL(name, fixturesDir)));
}

export function get(file: SafetensorsFile, key: string): SafetensorsTensor {
  const t = file.tensors.get(key);
  if (t == null) throw new Error(`fixture key '${key}' not found`);
  return t;
}

/** Float values of a fixture tensor (I64 converted). */
export function floats(t: SafetensorsTensor): Float64Array {
  return t.data instanceof BigInt64Array ? Float64Array.from(t.data, (v) => Number(v)) : Float64Array.from(t.data as ArrayLike<number>);
}

/** NCHW fixture input → NHWC tensor. */
export function nhwcInput(t: SafetensorsTensor): tf.Tensor {
  return tf.tidy(() => tf.transpose(tf.tensor(t.data as Float32Array, t.shape, 'float32'), [0, 2, 3, 1]));
}

/** I64 targets → int32 tensor. */
export function labels(t: SafetensorsTensor): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(t.data as BigInt64Array, (v) => Number(v)), 'int32');
}

/** max |a − b| / max |b|: an error relative to the largest expected magnitude. */
export function relToMax(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`relToMax: sizes differ, ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

/** The fixture's sampling rule: all values up to maxSamples, else indices 0, s, 2s, … with s = ceil(n / maxSamples). */
export function sample(flat: ArrayLike<number>, maxSamples: number): Float64Array {
  const n = flat.length;
  if (n <= maxSamples) return Float64Array.from(flat);
  const stride = Math.ceil(n / maxSamples);
  const out = new Float64Array(Math.ceil(n / stride));
  for (let i = 0, j = 0; i < n; i += stride, j++) out[j] = flat[i]!;
  return out;
}

export function l2(flat: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < flat.length; i++) s += flat[i]! * flat[i]!;
  return Math.sqrt(s);
}
