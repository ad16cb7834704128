// Sigmoid: y = 1/(1 + e⁻ˣ), computed as (1 + tanh(x/2))/2 (the same function, and no e⁻ˣ to
// overflow for large negative x). h'(x) = y(1 − y) (docs/derivations.md, elementwise activations).
import type { tf } from '@backprop/tensor';
import { Activation } from './activation.js';

export class Sigmoid<T = tf.Tensor> extends Activation<T> {
  readonly name = 'Sigmoid';

  protected compute(x: T): { y: T; save: T[] } {
    const { ops } = this;
    const y = ops.mul(ops.add(ops.tanh(ops.mul(x, 0.5)), 1), 0.5);
    return { y, save: [y] };
  }

  protected gradient(dout: T, [y]: T[]): T {
    const { ops } = this;
    return ops.mul(dout, ops.mul(y!, ops.sub(ops.neg(y!), -1)));
  }
}
