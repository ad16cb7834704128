// torch.optim.SGD and Adam with PyTorch's names and defaults, over tfjs-core's optimizers (the
// update rules match: tfjs Adam divides the bias-corrected first moment by √(bias-corrected second
// moment) + ε, as PyTorch does; tfjs momentum keeps buf = μ·buf + g, p −= lr·buf, PyTorch's
// dampening-0 rule).
//
// zeroGrad: tfjs computes fresh gradients on every step (no `.grad` accumulation), so `zeroGrad()`
// does nothing and `step(loss)` takes the loss as a closure — PyTorch's `optimizer.step(closure)`.
import { tf } from '@backprop/tensor';
import { Module } from './module.js';

export type Params = Module | Iterable<tf.Variable>;

const paramList = (params: Params, op: string): tf.Variable[] => {
  const list = params instanceof Module ? params.parameters() : [...params];
  if (list.length === 0) throw new Error(`${op}: params must hold at least one parameter, got none`);
  for (const [i, p] of list.entries()) {
    if (!(p instanceof tf.Variable) || !p.trainable) throw new Error(`${op}: params[${i}] must be a trainable tf.Variable`);
  }
  return list;
};

const checkRate = (value: number, op: string, name: string, { max = Infinity, open = false } = {}): number => {
  if (!Number.isFinite(value) || value < 0 || value > max || (open && (value === 0 || value === max))) {
    throw new Error(`${op}: ${name} must be ${open ? 'in (0, ' + max + ')' : '≥ 0'}, got ${value}`);
  }
  return value;
};

export abstract class Optimizer {
  readonly params: tf.Variable[];
  protected abstract readonly inner: tf.Optimizer;
  private stepsTaken = 0;

  protected constructor(params: Params, op: string) {
    this.params = paramList(params, op);
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepsTaken;
  }

  /**
   * Evaluates `loss`, takes its gradient with respect to `params` and applies one update.
   * Returns the loss (a scalar the caller disposes).
   */
  step(loss: () => tf.Scalar): tf.Scalar {
    const cost = this.inner.minimize(loss, true, this.params);
    if (cost == null) throw new Error('Optimizer.step: tfjs returned no loss value');
    this.stepsTaken++;
    return cost;
  }

  /** Applies precomputed gradients, keyed by variable name (as `tf.variableGrads` returns them). */
  applyGradients(grads: tf.NamedTensorMap): void {
    this.inner.applyGradients(grads);
    this.stepsTaken++;
  }

  /** No-op: tfjs gradients never accumulate (see the file comment). */
  zeroGrad(): void {}

  /** Frees the optimizer's state (Adam's moments, momentum buffers). */
  dispose(): void {
    this.inner.dispose();
  }
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
}

/** Plain SGD, or SGD with (Nesterov) momentum, PyTorch's `torch.optim.SGD` without weight decay. */
export class SGD extends Optimizer {
  protected readonly inner: tf.Optimizer;
  readonly lr: number;

  constructor(params: Params, { lr, momentum = 0, nesterov = false }: SGDOptions) {
    super(params, 'SGD');
    this.lr = checkRate(lr, 'SGD', 'lr');
    checkRate(momentum, 'SGD', 'momentum');
    if (nesterov && momentum === 0) throw new Error('SGD: nesterov momentum requires momentum > 0, got momentum 0');
    this.inner = momentum > 0 ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
}

/** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8 (tfjs's own default ε is 1e-7). */
export class Adam extends Optimizer {
  protected readonly inner: tf.Optimizer;
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;

  constructor(params: Params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8 }: AdamOptions = {}) {
    super(params, 'Adam');
    this.lr = checkRate(lr, 'Adam', 'lr');
    checkRate(betas[0], 'Adam', 'betas[0]', { max: 1 });
    checkRate(betas[1], 'Adam', 'betas[1]', { max: 1 });
    if (betas[0] >= 1 || betas[1] >= 1) throw new Error(`Adam: betas must be in [0, 1), got [${betas.join(', ')}]`);
    this.betas = [betas[0], betas[1]];
    this.eps = checkRate(eps, 'Adam', 'eps');
    this.inner = tf.train.adam(lr, betas[0], betas[1], eps);
  }
}
