// Softmax over the features of each sample, with the max trick: softmax(x) = softmax(x − max x),
// so exp never overflows. Backward (docs/derivations.md): dx = y ⊙ (dout − Σⱼ doutⱼ yⱼ).
import type { tf } from '@backprop/tensor';
import { Activation } from './activation.js';
import type { Ops } from './ops.js';

/** Row-wise softmax on any `Ops` (no tidy: the caller owns the intermediates). */
export function softmaxWith<T>(ops: Ops<T>, x: T): T {
  const e = ops.exp(ops.sub(x, ops.max(x, 1, true)));
  return ops.div(e, ops.sum(e, 1, true));
}

export class Softmax<T = tf.Tensor> extends Activation<T> {
  readonly name = 'Softmax';

  protected compute(x: T): { y: T; save: T[] } {
    const y = softmaxWith(this.ops, x);
    return { y, save: [y] };
  }

  protected gradient(dout: T, [y]: T[]): T {
    const { ops } = this;
    return ops.mul(y!, ops.sub(dout, ops.sum(ops.mul(dout, y!), 1, true)));
  }
}
