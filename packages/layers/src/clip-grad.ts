// torch.nn.utils.clip_grad_norm_ over gradients keyed by parameter name (what `namedGradients`
// gives and `Optimizer.applyGradients` takes): the total norm of all gradients together, and when
// it exceeds maxNorm every gradient scaled by maxNorm / (total + 1e-6), as PyTorch does.
import { tf } from '@backprop/tensor';

/**
 * Scales the gradients in `grads` in place (each replaced by a new tensor, the old one disposed)
 * so that their joint `normType`-norm is at most `maxNorm`. Returns the total norm before clipping.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number, normType: number = 2): number {
  const op = 'clipGradNorm';
  if (!(grads instanceof Map)) throw new Error(`${op}: grads must be a Map from parameter name to gradient (namedGradients(...).grads), got ${String(grads)}`);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0) || !Number.isFinite(maxNorm)) throw new Error(`${op}: maxNorm must be a finite number ≥ 0, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new Error(`${op}: normType must be a number > 0 or Infinity, got ${String(normType)}`);
  if (grads.size === 0) return 0;
  const total = tf.tidy(() => {
    const norms = [...grads.values()].map((g) => tf.norm(g, normType === Infinity ? Infinity : normType));
    return tf.norm(tf.stack(norms), normType === Infinity ? Infinity : normType).dataSync()[0]!;
  });
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, coef));
      g.dispose();
    }
  }
  return total;
}
