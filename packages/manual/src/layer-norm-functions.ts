// Layer normalisation over the features of each sample (Part 3 of docs/reference-settings.md), forward and hand-derived
// backward (docs/derivations.md), written once against `Ops` and exported as tfjs functions for
// @backprop/layers' tf.customGrad version.
//
// The original report's final formula drops a 1/√(σ²+ε) on its first term and mixes x − μ with x̂
// in the last (docs/derivations.md, layer normalisation); the algebra it sets up gives, with
// g = dy·γ (per sample, M features):
//   dx = (1/√(σ²+ε)) · (g − mean(g) − x̂ · mean(g·x̂))
// which is what is implemented, and checked in float64 against central differences and PyTorch.
import { expectShape, positiveInt, shapeStr, tf } from '@backprop/tensor';
import type { Ops } from './ops.js';
import { tfOps } from './tf-ops.js';

export interface LayerNormForwardResult<T> {
  /** [N, M] γ·x̂ + β */
  y: T;
  /** [N, M] (x − μ)/√(σ² + ε) */
  xHat: T;
  /** [N, 1] 1/√(σ² + ε), σ² the biased variance of each sample */
  invStd: T;
}

export interface LayerNormBackwardResult<T> {
  /** [N, M] */
  dx: T;
  /** [M] */
  dgamma: T;
  /** [M] */
  dbeta: T;
}

/** The forward math on any `Ops` (no tidy: the caller owns the intermediates). */
export function layerNormForwardWith<T>(ops: Ops<T>, x: T, gamma: T, beta: T, eps: number): LayerNormForwardResult<T> {
  const mu = ops.mean(x, 1, true); // [N, 1]
  const centred = ops.sub(x, mu); // [N, M]
  const variance = ops.mean(ops.square(centred), 1, true); // [N, 1], biased
  const invStd = ops.rsqrt(ops.add(variance, eps)); // [N, 1]
  const xHat = ops.mul(centred, invStd); // [N, M]
  const y = ops.add(ops.mul(xHat, gamma), beta); // [N, M]
  return { y, xHat, invStd };
}

/** The hand-derived backward on any `Ops`. */
export function layerNormBackwardWith<T>(ops: Ops<T>, dy: T, xHat: T, invStd: T, gamma: T): LayerNormBackwardResult<T> {
  const dbeta = ops.sum(dy, 0); // [M]
  const dgamma = ops.sum(ops.mul(dy, xHat), 0); // [M]
  const g = ops.mul(dy, gamma); // [N, M] dL/dx̂
  const meanG = ops.mean(g, 1, true); // [N, 1]
  const meanGXHat = ops.mean(ops.mul(g, xHat), 1, true); // [N, 1]
  const dx = ops.mul(ops.sub(ops.sub(g, meanG), ops.mul(xHat, meanGXHat)), invStd); // [N, M]
  return { dx, dgamma, dbeta };
}

function checkVector(op: string, arg: string, t: tf.Tensor, m: number): void {
  if (t.rank !== 1 || t.shape[0] !== m) throw new Error(`${op}: ${arg} must have shape [${m}], got ${shapeStr(t.shape)}`);
}

/**
 * Layer norm forward on tfjs (float32): y = γ·x̂ + β for a 2-D x [N, M]. Returns what the
 * backward needs (x̂ and 1/√(σ²+ε), [N, 1]). No autograd involved.
 */
export function layerNormForward(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps = 1e-5,
): { y: tf.Tensor2D; xHat: tf.Tensor2D; invStd: tf.Tensor2D } {
  if (x.rank !== 2) throw new Error(`layerNormForward: x must be 2-D [N, M], got ${shapeStr(x.shape)}`);
  const m = x.shape[1]!;
  positiveInt('layerNormForward', 'x.shape[1]', m);
  checkVector('layerNormForward', 'gamma', gamma, m);
  checkVector('layerNormForward', 'beta', beta, m);
  if (!(eps > 0)) throw new Error(`layerNormForward: eps must be positive, got ${eps}`);
  const r = tf.tidy(() => layerNormForwardWith(tfOps, x, gamma, beta, eps) as unknown as tf.NamedTensorMap);
  return r as unknown as { y: tf.Tensor2D; xHat: tf.Tensor2D; invStd: tf.Tensor2D };
}

/** Layer norm backward on tfjs (float32): dx, dγ, dβ from dy and the saved x̂, 1/√(σ²+ε). */
export function layerNormBackward(
  dy: tf.Tensor,
  xHat: tf.Tensor,
  invStd: tf.Tensor,
  gamma: tf.Tensor,
): { dx: tf.Tensor2D; dgamma: tf.Tensor1D; dbeta: tf.Tensor1D } {
  if (xHat.rank !== 2) throw new Error(`layerNormBackward: xHat must be 2-D [N, M], got ${shapeStr(xHat.shape)}`);
  const [n, m] = xHat.shape as [number, number];
  expectShape('layerNormBackward', 'dy', dy.shape, [n, m]);
  expectShape('layerNormBackward', 'invStd', invStd.shape, [n, 1]);
  checkVector('layerNormBackward', 'gamma', gamma, m);
  const r = tf.tidy(() => layerNormBackwardWith(tfOps, dy, xHat, invStd, gamma) as unknown as tf.NamedTensorMap);
  return r as unknown as { dx: tf.Tensor2D; dgamma: tf.Tensor1D; dbeta: tf.Tensor1D };
}
