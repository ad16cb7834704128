// Tanh: y = tanh(x), h'(x) = 1 − y².
import type { tf } from '@backprop/tensor';
import { Activation } from './activation.js';

export class Tanh<T = tf.Tensor> extends Activation<T> {
  readonly name = 'Tanh';

  protected compute(x: T): { y: T; save: T[] } {
    const y = this.ops.tanh(x);
    return { y, save: [y] };
  }

  protected gradient(dout: T, [y]: T[]): T {
    const { ops } = this;
    return ops.mul(dout, ops.add(ops.neg(ops.square(y!)), 1));
  }
}
