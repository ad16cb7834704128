// Seeded random numbers, generated in JavaScript so that a seed gives the same bits on every
// backend and platform (tfjs's own random ops differ between backends).
import { Rng } from '@backprop/random';
import { tf } from './tf.js';
import { shapeStr } from './checks.js';
import { shapeSize } from './checks.js';

export { Rng };

const sizeOf = (shape: readonly number[], op: string): number => {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape must hold non-negative integers, got ${shapeStr(shape)}`);
  }
  return shapeSize(shape);
};

export interface NormalOptions {
  mean?: number;
  std?: number;
}

/** A float32 tensor of N(mean, std²) samples drawn from `rng`. */
export function randomNormal(shape: number[], rng: Rng, { mean = 0, std = 1 }: NormalOptions = {}): tf.Tensor {
  return tf.tensor(rng.fillNormal(new Float32Array(sizeOf(shape, 'randomNormal')), mean, std), shape, 'float32');
}

/** A float32 tensor of U[min, max) samples drawn from `rng`. */
export function randomUniform(shape: number[], rng: Rng, min = 0, max = 1): tf.Tensor {
  return tf.tensor(rng.fillUniform(new Float32Array(sizeOf(shape, 'randomUniform')), min, max), shape, 'float32');
}
