// Plain SGD, θ ← θ − lr·∇θ, updating each parameter in place (ops.assign: tf.Variable.assign on
// the tf path), so a step allocates nothing that outlives it.
import type { tf } from '@backprop/tensor';
import type { ModuleOptions, ParamRef } from './module.js';
import { opsOf } from './init.js';
import type { Ops } from './ops.js';

export class SGD<T = tf.Tensor> {
  readonly ops: Ops<T>;

  constructor(
    readonly params: readonly ParamRef<T>[],
    public lr: number,
    options: ModuleOptions<T> = {},
  ) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`SGD: lr must be a positive finite number, got ${lr}`);
    this.ops = opsOf(options);
  }

  step(): void {
    const { ops } = this;
    ops.tidy(() => {
      for (const { param, grad } of this.params) ops.assign(param, ops.sub(param, ops.mul(grad, this.lr)));
    });
  }
}
