// Cross-entropy on probabilities with one-hot targets, mean over the batch (S samples):
// L = −(1/S) Σ T ⊙ log X. Backward (docs/derivations.md): dL/dX = −(1/S) · T ⊘ X.
// As in the original there is no clipping: a target probability of exactly 0 gives L = ∞.
import type { tf } from '@backprop/tensor';
import { expectSameShape, expectShape } from '@backprop/tensor';
import { opsOf } from './init.js';
import type { Loss, ModuleOptions } from './module.js';
import type { Ops } from './ops.js';

export class CrossEntropy<T = tf.Tensor> implements Loss<T> {
  readonly name = 'CrossEntropy';
  readonly ops: Ops<T>;
  readonly takesLogits = false;

  constructor(options: ModuleOptions<T> = {}) {
    this.ops = opsOf(options);
  }

  /** probs [N, C], targets [N, C] (one-hot) → loss [] */
  forward(probs: T, targets: T): T {
    const { ops } = this;
    const n = this.check('forward', probs, targets);
    return ops.tidy(() => ops.div(ops.sum(ops.mul(targets, ops.log(probs))), -n));
  }

  /** probs [N, C], targets [N, C] → dL/dprobs [N, C] */
  backward(probs: T, targets: T): T {
    const { ops } = this;
    const n = this.check('backward', probs, targets);
    return ops.tidy(() => ops.div(ops.div(targets, probs), -n));
  }

  /** Nothing is cached: backward takes its inputs again. */
  releaseCache(): void {}

  dispose(): void {}

  private check(method: string, probs: T, targets: T): number {
    const shape = this.ops.shape(probs);
    expectShape(`CrossEntropy.${method}`, 'probs', shape, [null, null]);
    expectSameShape(`CrossEntropy.${method}`, 'targets', this.ops.shape(targets), shape);
    return shape[0]!;
  }
}
