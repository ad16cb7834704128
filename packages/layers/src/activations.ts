// Parameter-free element-wise modules: torch.nn.ELU, ReLU, Tanh, Sigmoid.
import { tf } from '@backprop/tensor';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** ELU(x) = x for x > 0, α·(eˣ − 1) otherwise. */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (!Number.isFinite(alpha)) throw new Error(`ELU: alpha must be finite, got ${alpha}`);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (this.alpha === 1) return tf.elu(x);
    // tfjs's Elu kernel has α = 1; other α through where (autograd handles it).
    return tf.tidy(() => tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(x), this.alpha)));
  }
}

export class ReLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

export class Tanh extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
}

/** Sigmoid(x) = 1/(1 + e⁻ˣ). */
export class Sigmoid extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}
