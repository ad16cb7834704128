// torch.optim.Adam and AdamW, PyTorch's update rule (`_single_tensor_adam(w)`), with
// bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ computed from the step count t in float64:
//   g ← −g if maximize
//   Adam:  g ← g + weight_decay·p            AdamW: p ← p·(1 − lr·weight_decay)
//   m ← β₁·m + (1 − β₁)·g    v ← β₂·v + (1 − β₂)·g²
//   p ← p − lr · (m / c₁) / (√(v / c₂) + ε)
// PyTorch writes the last line p − (lr/c₁)·m / (√v/√c₂ + ε): the same value, rounded differently
// (float32 differences of a few ulps of the step; see adam.test.ts / optim-torch.test.ts).
//
// Speed: on Backprop's WASM engine the moment and parameter updates run as one fused kernel
// (@backprop/tensor `fusedAdamUpdate`, one pass per parameter instead of ~14 elementwise kernels;
// the CNN's training step depends on it). Elsewhere, or with `fused: false`, tfjs ops compute the
// same float32 operations in the same order, so both paths give bit-identical results.
import { fusedAdamAvailable, fusedAdamUpdate, fusedAdamUpdateMomentsInPlace, tf } from '@backprop/tensor';
import { betasCheck, bool, nonNegative, only, Optimizer, type OptionCheck, type ParamGroup, type Params, type StateValue } from './optimizer.js';
import { definedOnly } from './sgd.js';

export interface AdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** null (default): the fused kernel where available; true: require it; false: tfjs ops. */
  fused: boolean | null;
  /** AdamW's rule (PyTorch ≥ 2.6 spells AdamW as Adam with this flag): false for Adam, true for AdamW. */
  decoupled_weight_decay: boolean;
}

export type AdamOptions = Partial<AdamHyper>;

const fusedCheck: OptionCheck = (v, name) => {
  if (v !== null && typeof v !== 'boolean') throw new Error(`${name} must be null, true or false, got ${String(v)}`);
  return v;
};

const ADAM_CHECKS: Record<keyof AdamHyper, OptionCheck> = {
  lr: nonNegative,
  betas: betasCheck,
  eps: nonNegative,
  weight_decay: nonNegative,
  amsgrad: only(false),
  maximize: bool,
  fused: fusedCheck,
  decoupled_weight_decay: bool,
};

abstract class AdamBase extends Optimizer<AdamHyper> {
  protected readonly checks = ADAM_CHECKS;
  protected readonly stateKeys = { step: 'step', exp_avg: 'tensor', exp_avg_sq: 'tensor' } as const;
  /** torch < 2.6 writes no decoupled_weight_decay: the class (Adam or AdamW) decides. */
  protected override readonly optionalGroupKeys = ['decoupled_weight_decay'];
  protected constructor(params: Params<AdamHyper>, options: AdamOptions, defaultWeightDecay: number, decoupled: boolean, op: string) {
    if (options == null || typeof options !== 'object') throw new Error(`${op}: options must be an object { lr?, betas?, eps?, weight_decay? }, got ${String(options)}`);
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: defaultWeightDecay, amsgrad: false, maximize: false, fused: null, decoupled_weight_decay: decoupled, ...definedOnly(options) }, op);
  }

  protected override checkGroup(g: ParamGroup<AdamHyper>): void {
    if (g.fused === true && !fusedAdamAvailable()) throw new Error(`${this.op}: fused = true needs Backprop's WASM engine with training kernels, which is not running (use fused: null)`);
  }

  /** The keys torch.optim writes that do not change the math (fused: PyTorch's own CUDA kernel). */
  protected override torchGroupExtras(): Record<string, unknown> {
    return { foreach: null, capturable: false, differentiable: false };
  }

  override stateDict() {
    const sd = super.stateDict();
    // `fused` is how this library computes; PyTorch's `fused` means its CUDA kernel, so it gets its default.
    for (const g of sd.param_groups) g.fused = false;
    return sd;
  }

  protected initState(p: tf.Variable): Record<string, StateValue> {
    return { step: 0, exp_avg: tf.variable(tf.zerosLike(p), false), exp_avg_sq: tf.variable(tf.zerosLike(p), false) };
  }

  protected updateParam(p: tf.Variable, grad: tf.Tensor, state: Record<string, StateValue>, g: ParamGroup<AdamHyper>): void {
    const step = (state.step as number) + 1;
    state.step = step;
    const m = state.exp_avg as tf.Variable;
    const v = state.exp_avg_sq as tf.Variable;
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? tf.neg(grad) : grad;
    let param: tf.Tensor = p;
    if (g.weight_decay !== 0) {
      if (g.decoupled_weight_decay) param = tf.mul(p, 1 - g.lr * g.weight_decay);
      else d = tf.add(d, tf.mul(p, g.weight_decay));
    }
    const attrs = { beta1, beta2, oneMinusAccBeta1: 1 - beta1 ** step, oneMinusAccBeta2: 1 - beta2 ** step, eps: g.eps, lr: g.lr };
    // The moments in place where nothing else shares them (one pass, one new tensor: p', which must
    // be a new buffer, as caches of transformed filters are keyed by it); else three new tensors.
    const inPlace = g.fused !== false ? fusedAdamUpdateMomentsInPlace(param, d, m, v, attrs) : null;
    if (inPlace != null) {
      p.assign(inPlace);
      return;
    }
    const fused = g.fused !== false ? fusedAdamUpdate(param, d, m, v, attrs) : null;
    const [newP, newM, newV] = fused ?? adamOps(param, d, m, v, attrs);
    m.assign(newM);
    v.assign(newV);
    p.assign(newP);
  }
}

/** The fused kernel's float32 operations, in its order, as tfjs ops (assembly/adam.ts). */
function adamOps(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, a: { beta1: number; beta2: number; oneMinusAccBeta1: number; oneMinusAccBeta2: number; eps: number; lr: number }): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const s = (x: number) => tf.scalar(x, 'float32');
  const m1 = tf.add(tf.mul(m, s(a.beta1)), tf.mul(g, s(1 - a.beta1)));
  const v1 = tf.add(tf.mul(v, s(a.beta2)), tf.mul(tf.mul(g, g), s(1 - a.beta2)));
  const step = tf.div(tf.div(m1, s(a.oneMinusAccBeta1)), tf.add(tf.sqrt(tf.div(v1, s(a.oneMinusAccBeta2))), s(a.eps)));
  return [tf.add(tf.mul(step, s(-a.lr)), p), m1, v1];
}

/** torch.optim.Adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0 (L2, added to the gradient). */
export class Adam extends AdamBase {
  protected readonly op = 'Adam';

  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super(params, options, 0, false, 'Adam');
    this.validate(options);
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay, default weight_decay 1e-2. */
export class AdamW extends AdamBase {
  protected readonly op = 'AdamW';

  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super(params, options, 1e-2, true, 'AdamW');
    this.validate(options);
  }
}
