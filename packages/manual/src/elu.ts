// ELU: y = x for x > 0, α(eˣ − 1) otherwise. h'(x) = 1 for x > 0, αeˣ = y + α otherwise (docs/derivations.md).
import type { tf } from '@backprop/tensor';
import { Activation } from './activation.js';
import type { ModuleOptions } from './module.js';

export class ELU<T = tf.Tensor> extends Activation<T> {
  readonly name = 'ELU';

  constructor(
    readonly alpha = 1,
    options: ModuleOptions<T> = {},
  ) {
    super(options);
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be a finite number, got ${alpha}`);
  }

  protected compute(x: T): { y: T; save: T[] } {
    const { ops } = this;
    // exp of min(x, 0), so large positive x cannot overflow into inf·0 = NaN.
    const negative = ops.mul(ops.sub(ops.exp(ops.minimum(x, 0)), 1), this.alpha);
    const y = ops.add(ops.maximum(x, 0), negative);
    return { y, save: [x, y] };
  }

  protected gradient(dout: T, [x, y]: T[]): T {
    const { ops } = this;
    const positive = ops.step(x!); // 1 where x > 0
    const slopeNegative = ops.add(y!, this.alpha); // αeˣ
    const negative = ops.add(ops.neg(positive), 1); // 1 where x ≤ 0 (exact: the mask is 0/1)
    const slope = ops.add(positive, ops.mul(negative, slopeNegative));
    return ops.mul(dout, slope);
  }
}
