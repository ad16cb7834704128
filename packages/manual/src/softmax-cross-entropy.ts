// Softmax followed by cross-entropy, fused (what PyTorch's CrossEntropyLoss does on logits):
// L = −(1/S) Σ T ⊙ log softmax(Z), computed with log-sum-exp so it never takes log 0, and
// dL/dZ = (softmax(Z) ⊙ Σⱼ Tⱼ − T)/S — for one-hot rows simply (P − T)/S. One small op chain
// instead of Softmax.backward ∘ CrossEntropy.backward, and no T ⊘ P division.
import type { tf } from '@backprop/tensor';
import { expectSameShape, expectShape } from '@backprop/tensor';
import { opsOf } from './init.js';
import type { Loss, ModuleOptions } from './module.js';
import type { Ops } from './ops.js';

export class SoftmaxCrossEntropy<T = tf.Tensor> implements Loss<T> {
  readonly name = 'SoftmaxCrossEntropy';
  readonly ops: Ops<T>;
  readonly takesLogits = true;
  /** The probabilities of the last forward, reused by a backward on the same logits. */
  private cache: { logits: T; probs: T } | null = null;

  constructor(options: ModuleOptions<T> = {}) {
    this.ops = opsOf(options);
  }

  /** logits [N, C], targets [N, C] (one-hot) → loss [] */
  forward(logits: T, targets: T): T {
    const { ops } = this;
    const n = this.check('forward', logits, targets);
    this.releaseCache();
    return ops.tidy(() => {
      const z = ops.sub(logits, ops.max(logits, 1, true));
      const logProbs = ops.sub(z, ops.log(ops.sum(ops.exp(z), 1, true)));
      this.cache = { logits, probs: ops.keep(ops.exp(logProbs)) };
      return ops.div(ops.sum(ops.mul(targets, logProbs)), -n);
    });
  }

  /** logits [N, C], targets [N, C] → dL/dlogits [N, C] */
  backward(logits: T, targets: T): T {
    const { ops } = this;
    const n = this.check('backward', logits, targets);
    // Same logits object as the last forward (the training loop): reuse its softmax.
    const cached = this.cache != null && this.cache.logits === logits ? this.cache.probs : null;
    const dx = ops.tidy(() => {
      const e = cached ?? ops.exp(ops.sub(logits, ops.max(logits, 1, true)));
      const probs = cached ?? ops.div(e, ops.sum(e, 1, true));
      return ops.div(ops.sub(ops.mul(probs, ops.sum(targets, 1, true)), targets), n);
    });
    if (cached != null) this.releaseCache();
    return dx;
  }

  dispose(): void {
    this.releaseCache();
  }

  /** Frees the probabilities kept for backward (when no backward will follow). */
  releaseCache(): void {
    if (this.cache != null) this.ops.dispose(this.cache.probs);
    this.cache = null;
  }

  private check(method: string, logits: T, targets: T): number {
    const shape = this.ops.shape(logits);
    expectShape(`SoftmaxCrossEntropy.${method}`, 'logits', shape, [null, null]);
    expectSameShape(`SoftmaxCrossEntropy.${method}`, 'targets', this.ops.shape(targets), shape);
    return shape[0]!;
  }
}
