// torch.optim.SGD, PyTorch's update rule (torch 1.13 – 2.x, `_single_tensor_sgd`):
//   g ← −g if maximize;  g ← g + weight_decay·p
//   momentum ≠ 0: buf ← g on the first step, else buf ← momentum·buf + (1 − dampening)·g;
//                 g ← g + momentum·buf (nesterov) or g ← buf
//   p ← p − lr·g
// State per parameter: `momentum_buffer` (None when momentum is 0, as PyTorch stores it).
import { fusedSgdUpdate, tf } from '@backprop/tensor';
import { bool, nonNegative, Optimizer, type OptionCheck, type ParamGroup, type Params, type StateValue } from './optimizer.js';

export interface SGDHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** PyTorch's option names; `lr` is required (torch 1.13 has no default for SGD). */
export type SGDOptions = Partial<SGDHyper> & { lr: number };

const SGD_CHECKS: Record<keyof SGDHyper, OptionCheck> = {
  lr: nonNegative,
  momentum: nonNegative,
  dampening: nonNegative,
  weight_decay: nonNegative,
  nesterov: bool,
  maximize: bool,
};

export class SGD extends Optimizer<SGDHyper> {
  protected readonly op = 'SGD';
  protected readonly checks = SGD_CHECKS;
  protected readonly stateKeys = { momentum_buffer: 'tensor' } as const;

  constructor(params: Params<SGDHyper>, options: SGDOptions) {
    if (options == null || typeof options !== 'object') throw new Error(`SGD: options must be an object { lr, momentum?, dampening?, weight_decay?, nesterov? }, got ${String(options)} (SGD(params, { lr }))`);
    if (options.lr === undefined) throw new Error('SGD: lr is required (SGD(params, { lr }))');
    super(params, { lr: options.lr, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, ...definedOnly(options) }, 'SGD');
    this.validate(options);
  }

  protected override checkGroup(g: ParamGroup<SGDHyper>): void {
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new Error(`SGD: nesterov momentum requires momentum > 0 and dampening 0, got momentum ${g.momentum}, dampening ${g.dampening}`);
    }
  }

  protected override torchGroupExtras(): Record<string, unknown> {
    return { foreach: null, differentiable: false };
  }

  protected override requiredStateKey(): boolean {
    return false; // torch leaves momentum_buffer out (or None) until momentum is used
  }

  protected initState(): Record<string, StateValue> {
    return { momentum_buffer: null };
  }

  protected updateParam(p: tf.Variable, grad: tf.Tensor, state: Record<string, StateValue>, g: ParamGroup<SGDHyper>): void {
    // On WASM with the engine: the whole rule below in one pass, the same bits (BackpropSgdUpdate).
    const buffer = state.momentum_buffer as tf.Variable | null;
    const fused = fusedSgdUpdate(p, grad, g.momentum !== 0 ? buffer : null, {
      lr: g.lr, momentum: g.momentum, dampening: g.dampening, weightDecay: g.weight_decay, nesterov: g.nesterov, maximize: g.maximize,
    });
    if (fused != null) {
      const [next, nextBuf] = fused;
      if (nextBuf != null) {
        if (buffer == null) state.momentum_buffer = tf.variable(nextBuf, false);
        else buffer.assign(nextBuf);
      }
      p.assign(next!);
      return;
    }
    let d = g.maximize ? tf.neg(grad) : grad;
    if (g.weight_decay !== 0) d = tf.add(d, tf.mul(p, g.weight_decay));
    if (g.momentum !== 0) {
      let buf = state.momentum_buffer as tf.Variable | null;
      if (buf == null) {
        buf = tf.variable(d, false); // a copy: torch.clone(d)
        state.momentum_buffer = buf;
      } else {
        buf.assign(tf.add(tf.mul(buf, g.momentum), g.dampening === 0 ? d : tf.mul(d, 1 - g.dampening)));
      }
      d = g.nesterov ? tf.add(d, tf.mul(buf, g.momentum)) : buf;
    }
    p.assign(tf.add(p, tf.mul(d, -g.lr)));
  }
}

/** `options` without undefined values, so that they do not override defaults. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
