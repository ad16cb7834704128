// BatchNorm's training forward and backward over the rows of [M, C], fused on the engine
// (kernels/batch-norm.ts). `fusedBatchNormAvailable()` says whether they run on the current
// backend; elsewhere the caller computes them with tfjs ops.
import { tf } from '../tf.js';
import { engineFor } from '../engine/engine.js';
import { BATCH_NORM_BACKWARD, BATCH_NORM_FORWARD, BATCH_NORM_RUNNING_STATS } from '../kernels/batch-norm.js';
import { trainingKernelsEnabled } from '../register-kernels.js';

export const fusedBatchNormAvailable = (): boolean => trainingKernelsEnabled() && engineFor(tf.backend()) != null;

export interface BatchNormForwardResult {
  y: tf.Tensor; // [M, C]
  mean: tf.Tensor; // [C]
  variance: tf.Tensor; // [C], biased (÷ M)
  invStd: tf.Tensor; // [C], 1/√(variance + eps)
}

/** BatchNorm's training forward; with `relu`, y is ReLU(BatchNorm(x)) (one pass, y before the ReLU never written). */
export function fusedBatchNormForward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number, relu = false): BatchNormForwardResult {
  const [y, mean, variance, invStd] = tf.engine().runKernel(BATCH_NORM_FORWARD, { x, gamma, beta }, { eps, relu }) as unknown as tf.Tensor[];
  return { y: y!, mean: mean!, variance: variance!, invStd: invStd! };
}

/**
 * [dx [M, C], dγ [C], dβ [C]] from the forward's input x and its mean and invStd (x̂ is recomputed, not
 * kept). `reluOut`: the forward's y when it ran with `relu` — dy is then the gradient of the ReLU's output.
 */
export function fusedBatchNormBackward(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, mean: tf.Tensor, invStd: tf.Tensor, reluOut?: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = reluOut ? { dy, x, gamma, mean, invStd, reluOut } : { dy, x, gamma, mean, invStd };
  return tf.engine().runKernel(BATCH_NORM_BACKWARD, inputs, {}) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/**
 * [runningMean', runningVar'] [C]: running·(1 − momentum) + batch·momentum, the batch variance made
 * unbiased (× count/(count − 1)) first — one kernel, the same bits as those tfjs ops. Where
 * fusedBatchNormAvailable() is true.
 */
export function fusedBatchNormRunningStats(runningMean: tf.Tensor, runningVar: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, momentum: number, count: number): [tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(BATCH_NORM_RUNNING_STATS, { runningMean, runningVar, mean, variance }, { momentum, count }) as unknown as [tf.Tensor, tf.Tensor];
}
