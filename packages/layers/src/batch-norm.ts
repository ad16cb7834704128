// torch.nn.BatchNorm1d / BatchNorm2d. Training: normalise with the batch mean and the biased
// batch variance, and move the running statistics by `momentum` towards the batch mean and the
// *unbiased* batch variance (as PyTorch does); count `num_batches_tracked`. Evaluation: normalise
// with the running statistics.
import { tf } from '@backprop/tensor';
import { positiveInt, shapeStr } from './errors.js';
import { constantVariable } from './init.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  /** PyTorch's default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running statistics; PyTorch's default 0.1. */
  momentum?: number;
  /** Learnable γ (`weight`) and β (`bias`); default true. */
  affine?: boolean;
}

abstract class BatchNormBase extends Module {
  readonly weight: tf.Variable | null;
  readonly bias: tf.Variable | null;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly numBatchesTracked: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  protected abstract readonly opName: string;
  /** Shape description for error messages. */
  protected abstract expectedShape(): string;
  protected abstract readonly rank: number;

  constructor(readonly numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true }: BatchNormOptions = {}) {
    super();
    positiveInt(numFeatures, 'BatchNorm', 'numFeatures');
    if (!(eps > 0)) throw new Error(`BatchNorm: eps must be positive, got ${eps}`);
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNorm: momentum must be in [0, 1], got ${momentum}`);
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.registerParameter('weight', constantVariable(1, [numFeatures], true)) : null;
    this.bias = affine ? this.registerParameter('bias', constantVariable(0, [numFeatures], true)) : null;
    this.runningMean = this.registerBuffer('running_mean', constantVariable(0, [numFeatures], false));
    this.runningVar = this.registerBuffer('running_var', constantVariable(1, [numFeatures], false));
    // PyTorch stores it as int64; int32 here, saved as I64 in safetensors.
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', constantVariable(0, [], false, 'int32'));
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== this.rank || x.shape[this.rank - 1] !== this.numFeatures) {
      throw new Error(`${this.opName}.forward: x must have shape ${this.expectedShape()}, got ${shapeStr(x.shape)}`);
    }
    const c = this.numFeatures;
    const count = x.size / c;
    if (this.training && count < 2) {
      throw new Error(`${this.opName}.forward: expected more than 1 value per channel when training, got input shape ${shapeStr(x.shape)}`);
    }
    return tf.tidy(() => {
      // Channels are last (NHWC / NC): statistics over every other axis.
      const x2 = tf.reshape(x, [count, c]);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (this.training) {
        ({ mean, variance } = tf.moments(x2, 0));
        this.updateRunningStats(mean, variance, count);
      } else {
        mean = this.runningMean;
        variance = this.runningVar;
      }
      // y = x·scale + shift with scale = γ/√(σ²+ε), shift = β − μ·scale: two passes over x.
      let scale = tf.rsqrt(tf.add(variance, this.eps));
      if (this.weight) scale = tf.mul(scale, this.weight);
      let shift = tf.neg(tf.mul(mean, scale));
      if (this.bias) shift = tf.add(shift, this.bias);
      return tf.reshape(tf.add(tf.mul(x2, scale), shift), x.shape);
    });
  }

  private updateRunningStats(mean: tf.Tensor, biasedVar: tf.Tensor, count: number): void {
    tf.tidy(() => {
      const m = this.momentum;
      // Not on the path to the loss, so the gradient tape prunes these ops.
      const unbiased = tf.mul(biasedVar, count / (count - 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      this.numBatchesTracked.assign(tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
    });
  }
}

/** Batch normalisation over [N, C] inputs. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly opName = 'BatchNorm1d';
  protected readonly rank = 2;
  protected expectedShape(): string {
    return `[N, ${this.numFeatures}]`;
  }
}

/** Batch normalisation over NHWC inputs [N, H, W, C], per channel. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly opName = 'BatchNorm2d';
  protected readonly rank = 4;
  protected expectedShape(): string {
    return `[N, H, W, ${this.numFeatures}] (NHWC)`;
  }
}
