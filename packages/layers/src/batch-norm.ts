// torch.nn.BatchNorm1d / BatchNorm2d. Training: normalise with the batch mean and the biased
// batch variance, and move the running statistics by `momentum` towards the batch mean and the
// *unbiased* batch variance (as PyTorch does); count `num_batches_tracked`. Evaluation: normalise
// with the running statistics.
import { fusedBatchNormAvailable, fusedBatchNormBackward, fusedBatchNormForward, fusedBatchNormRunningStats, positiveInt, shapeStr, tf } from '@backprop/tensor';
import { columnSum } from './column-sum.js';
import { constantVariable } from './init.js';
import { Module } from './module.js';
import { pyBool, pyFloat } from './repr.js';

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
    positiveInt('BatchNorm', 'numFeatures', numFeatures);
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

  protected override get typeName(): string {
    return this.opName;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.weight != null)}, track_running_stats=True`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.normalize(x, false);
  }

  /**
   * ReLU(this.forward(x)) — a pre-activation block's BN → ReLU. In training on Backprop's engine it
   * is one kernel each way (the ReLU inside BatchNorm's passes: the BatchNorm output before the ReLU
   * and the ReLU's input gradient are never written), with the values of the two ops one after
   * the other; elsewhere it is the two ops.
   */
  forwardRelu(x: tf.Tensor): tf.Tensor {
    return this.normalize(x, true);
  }

  private normalize(x: tf.Tensor, relu: boolean): tf.Tensor {
    if (x.rank !== this.rank || x.shape[this.rank - 1] !== this.numFeatures) {
      throw new Error(`${this.opName}.forward: x must have shape ${this.expectedShape()}, got ${shapeStr(x.shape)}`);
    }
    const c = this.numFeatures;
    const count = x.size / c;
    if (this.training && count < 2) {
      throw new Error(`${this.opName}.forward: expected more than 1 value per channel when training, got input shape ${shapeStr(x.shape)}`);
    }
    return tf.tidy(() => {
      // Channels are last (NHWC / NC): statistics over every other axis, i.e. over the rows of [M, C].
      const x2 = tf.reshape(x, [count, c]);
      const gamma = this.weight ?? tf.ones([c]);
      const beta = this.bias ?? tf.zeros([c]);
      const fusedRelu = relu && this.training && fusedBatchNormAvailable();
      const y = this.training ? this.trainForward(x2, gamma, beta, fusedRelu) : this.evalForward(x2, gamma, beta);
      return tf.reshape(relu && !fusedRelu ? tf.relu(y) : y, x.shape);
    });
  }

  /** Running statistics: y = x·scale + shift with scale = γ/√(var+ε), shift = β − mean·scale (two passes). */
  private evalForward(x2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const scale = tf.mul(tf.rsqrt(tf.add(this.runningVar, this.eps)), gamma);
    const shift = tf.sub(beta, tf.mul(this.runningMean, scale));
    return tf.add(tf.mul(x2, scale), shift);
  }

  /**
   * Batch statistics, with the closed-form backward (Ioffe & Szegedy) instead of autograd through
   * the moments: with x̂ = (x − μ)/√(σ²+ε) over the M rows,
   *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/(M·√(σ²+ε)) · (M·dy − Σ dy − x̂·Σ dy·x̂).
   * On WASM with Backprop's engine both directions are one fused kernel each (three and two passes
   * over x); elsewhere tfjs ops with column sums (column-sum.ts). Equal to autograd's gradient
   * (batch-norm.test.ts).
   */
  private trainForward(x2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, fusedRelu: boolean): tf.Tensor {
    const m = x2.shape[0]!;
    const fused = fusedBatchNormAvailable();
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      if (fused) {
        // The same formulas in one engine kernel each way (@backprop/tensor ops/batch-norm.ts).
        const r = fusedBatchNormForward(x, g, b, this.eps, fusedRelu);
        this.updateRunningStats(r.mean, r.variance, m);
        // x itself is kept for the backward (it is alive anyway: the block's residual input), not x̂;
        // with the ReLU, its output too (alive anyway: the next conv's input).
        save(fusedRelu ? [x, r.mean, r.invStd, g, r.y] : [x, r.mean, r.invStd, g]);
        return {
          value: r.y,
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [sX, sMean, sInvStd, sGamma, sOut] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
            return fusedBatchNormBackward(dy, sX, sGamma, sMean, sInvStd, sOut);
          },
        };
      }
      const mean = tf.div(columnSum(x), m); // [1, C]
      const centred = tf.sub(x, mean);
      const variance = tf.div(columnSum(tf.square(centred)), m); // biased, [1, C]
      const invStd = tf.rsqrt(tf.add(variance, this.eps));
      const xHat = tf.mul(centred, invStd);
      this.updateRunningStats(tf.reshape(mean, [-1]), tf.reshape(variance, [-1]), m);
      save([xHat, invStd, g]);
      return {
        value: tf.add(tf.mul(xHat, g), b),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sXHat, sInvStd, sGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const sumDy = columnSum(dy); // [1, C]
          const sumDyXHat = columnSum(tf.mul(dy, sXHat)); // [1, C]
          const k = tf.div(tf.mul(sGamma, sInvStd), m); // [1, C]
          const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, m), sumDy), tf.mul(sXHat, sumDyXHat)), k);
          return [dx, tf.reshape(sumDyXHat, [-1]), tf.reshape(sumDy, [-1])];
        },
      };
    });
    return op(x2, gamma, beta);
  }

  private updateRunningStats(mean: tf.Tensor, biasedVar: tf.Tensor, count: number): void {
    tf.tidy(() => {
      const m = this.momentum;
      // Runs inside the custom op's forward, which the gradient tape does not record.
      if (fusedBatchNormAvailable()) {
        // The same formulas and bits as below in one kernel (seven small ones otherwise).
        const [runningMean, runningVar] = fusedBatchNormRunningStats(this.runningMean, this.runningVar, mean, biasedVar, m, count);
        this.runningMean.assign(runningMean);
        this.runningVar.assign(runningVar);
      } else {
        const unbiased = tf.mul(biasedVar, count / (count - 1));
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      }
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
