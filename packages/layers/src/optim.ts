// torch.optim.SGD and Adam with PyTorch's names and defaults, over tfjs-core's optimizers (the
// update rules match: tfjs Adam divides the bias-corrected first moment by √(bias-corrected second
// moment) + ε, as PyTorch does; tfjs momentum keeps buf = μ·buf + g, p −= lr·buf, PyTorch's
// dampening-0 rule).
//
// zeroGrad: tfjs computes fresh gradients on every step (no `.grad` accumulation), so `zeroGrad()`
// does nothing and `step(loss)` takes the loss as a closure — PyTorch's `optimizer.step(closure)`.
//
// State: `stateDict(module)` / `loadStateDict(module, state)` copy the moments, momentum buffers and
// step counter out and back in, keyed by the module's PyTorch parameter names (optimizer-state.ts);
// `lr` / `setLearningRate(lr)` change the step size mid-run (PyTorch: `param_groups[0]['lr']`).
import { tf } from '@backprop/tensor';
import { FusedAdamOptimizer } from './fused-adam.js';
import { Module } from './module.js';
import { loadOptimizerState, saveOptimizerState, type OptimizerInternals, type OptimizerStateDict } from './optimizer-state.js';

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
  /** Slot suffixes of the tfjs optimizer's state, in its getWeights order ('/m', '/v'; '/momentum'). */
  protected abstract readonly slots: readonly string[];
  /** Class name for error messages ('SGD', 'Adam'). */
  private readonly op: string;
  private stepsTaken = 0;
  private rate: number;

  protected constructor(params: Params, op: string, lr: number) {
    this.params = paramList(params, op);
    this.op = op;
    this.rate = checkRate(lr, op, 'lr');
  }

  /** Number of updates applied so far (restored by `loadStateDict`). */
  get steps(): number {
    return this.stepsTaken;
  }

  /** The current learning rate. */
  get lr(): number {
    return this.rate;
  }

  /** Changes the learning rate from the next update on. `lr` must be a finite number > 0. */
  setLearningRate(lr: number): void {
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
      throw new Error(`${this.op}.setLearningRate: lr must be a finite number > 0, got ${String(lr)}`);
    }
    this.setInnerLearningRate(lr);
    this.rate = lr;
  }

  /** Sets the wrapped tfjs optimizer's rate. */
  protected abstract setInnerLearningRate(lr: number): void;

  /** Adam's β₁ᵗ, β₂ᵗ variables, saved as they are so that a resumed run is bit-identical. */
  protected betaPowers(): readonly [tf.Variable, tf.Variable] | undefined {
    return undefined;
  }

  private internals(method: string): OptimizerInternals {
    const betaPowers = this.betaPowers();
    return { op: `${this.op}.${method}`, inner: this.inner, params: this.params, slots: this.slots, ...(betaPowers ? { betaPowers } : {}) };
  }

  /**
   * The optimizer's state, copied out, keyed by `module`'s PyTorch parameter names: `iterations`,
   * `<param>/<slot>` (`/momentum`; Adam `/m`, `/v`) and Adam's `adam.acc_beta1`, `adam.acc_beta2`.
   * `module` must hold every parameter of the optimizer. Async because tfjs's getWeights is.
   */
  stateDict(module: Module): Promise<OptimizerStateDict> {
    return saveOptimizerState(this.internals('stateDict'), module);
  }

  /**
   * Restores what `stateDict(module)` gave (into this optimizer, fresh or already stepped), so that
   * the next update is bit-identical to the one the saved optimizer would have made. Every key must
   * be there with the parameter's shape, and no other key; checked before anything changes.
   */
  async loadStateDict(module: Module, state: OptimizerStateDict): Promise<void> {
    this.stepsTaken = await loadOptimizerState(this.internals('loadStateDict'), module, state);
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
  protected readonly inner: tf.SGDOptimizer;
  protected readonly slots: readonly string[];

  constructor(params: Params, { lr, momentum = 0, nesterov = false }: SGDOptions) {
    super(params, 'SGD', lr);
    checkRate(momentum, 'SGD', 'momentum');
    if (nesterov && momentum === 0) throw new Error('SGD: nesterov momentum requires momentum > 0, got momentum 0');
    this.inner = momentum > 0 ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
    this.slots = momentum > 0 ? ['/momentum'] : [];
  }

  protected override setInnerLearningRate(lr: number): void {
    this.inner.setLearningRate(lr); // tfjs keeps −lr as a tensor; this rebuilds it
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
}

/** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8 (tfjs's own default ε is 1e-7). */
export class Adam extends Optimizer {
  protected readonly inner: tf.AdamOptimizer;
  protected readonly slots: readonly string[] = ['/m', '/v'];
  readonly betas: [number, number];
  readonly eps: number;
  private readonly fields: AdamFields;

  constructor(params: Params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8 }: AdamOptions = {}) {
    super(params, 'Adam', lr);
    checkRate(betas[0], 'Adam', 'betas[0]', { max: 1 });
    checkRate(betas[1], 'Adam', 'betas[1]', { max: 1 });
    if (betas[0] >= 1 || betas[1] >= 1) throw new Error(`Adam: betas must be in [0, 1), got [${betas.join(', ')}]`);
    this.betas = [betas[0], betas[1]];
    this.eps = checkRate(eps, 'Adam', 'eps');
    this.inner = new FusedAdamOptimizer(lr, betas[0], betas[1], eps);
    this.fields = adamFields(this.inner);
  }

  protected override setInnerLearningRate(lr: number): void {
    this.fields.learningRate = lr; // read at every update
  }

  protected override betaPowers(): readonly [tf.Variable, tf.Variable] {
    return [this.fields.accBeta1, this.fields.accBeta2];
  }
}

/**
 * tfjs's AdamOptimizer has no setter for its rate and keeps β₁ᵗ, β₂ᵗ in non-public fields; this is
 * the one place that reaches them, checked at construction so that a tfjs change fails loudly.
 */
interface AdamFields {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamFields(inner: tf.AdamOptimizer): AdamFields {
  const f = inner as unknown as Partial<AdamFields>;
  if (typeof f.learningRate !== 'number' || !(f.accBeta1 instanceof tf.Variable) || !(f.accBeta2 instanceof tf.Variable)) {
    throw new Error('Adam: tfjs AdamOptimizer no longer has the fields learningRate, accBeta1, accBeta2 this wrapper relies on');
  }
  return f as AdamFields;
}
