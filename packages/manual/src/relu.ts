// ReLU: y = max(x, 0), h'(x) = 1 for x > 0, else 0.
import type { tf } from '@backprop/tensor';
import { Activation } from './activation.js';

export class ReLU<T = tf.Tensor> extends Activation<T> {
  readonly name = 'ReLU';

  protected compute(x: T): { y: T; save: T[] } {
    return { y: this.ops.maximum(x, 0), save: [x] };
  }

  protected gradient(dout: T, [x]: T[]): T {
    return this.ops.mul(dout, this.ops.step(x!));
  }
}
