// torch.nn.Dropout: in training mode each element is zeroed with probability p and the rest
// scaled by 1/(1 − p), so the expected output equals the input; in eval mode the identity.
// The mask comes from Backprop's seeded Rng (`seed` / `rng`, else the global one of manualSeed),
// so a seeded run drops the same units on every backend.
import { tf } from '@backprop/tensor';
import { defaultRng, rngFrom, type InitOptions } from './init.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

export class Dropout extends Module {
  readonly p: number;
  private readonly rng;

  constructor(p = 0.5, options: InitOptions = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${String(p)}`);
    this.p = p;
    this.rng = rngFrom('Dropout', options, defaultRng);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x.clone();
    if (this.p === 1) return tf.mul(x, 0); // PyTorch: all zeros (and zero gradient)
    const keep = 1 / (1 - this.p);
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() < this.p ? 0 : keep;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
