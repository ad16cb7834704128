// Layer normalisation, version (a) of Part 3 of docs/reference-settings.md: the forward pass only, gradients by autograd.
// Per sample over the features: y = γ·(x − μ)/√(σ² + ε) + β with the biased σ².
// Parameters are named `weight` (γ) and `bias` (β), as in torch.nn.LayerNorm.
import { positiveInt, shapeStr, tf } from '@backprop/tensor';
import { constantVariable } from './init.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** Throws unless x is [N, n]: the custom LayerNorm is defined for 2-D input only. */
export function checkLayerNormInput(x: tf.Tensor, n: number, op: string): void {
  if (x.rank !== 2) throw new Error(`${op}: x must be 2-D [batch, ${n}], got shape ${shapeStr(x.shape)} (rank ${x.rank})`);
  if (x.shape[1] !== n) throw new Error(`${op}: x must have shape [batch, ${n}], got ${shapeStr(x.shape)}`);
}

export class LayerNormAutograd extends Module {
  /** γ, ones at init. */
  readonly weight: tf.Variable;
  /** β, zeros at init. */
  readonly bias: tf.Variable;

  constructor(readonly numFeatures: number, readonly eps = 1e-5) {
    super();
    positiveInt('LayerNormAutograd', 'numFeatures', numFeatures);
    if (!(eps > 0)) throw new Error(`LayerNormAutograd: eps must be positive, got ${eps}`);
    this.weight = this.registerParameter('weight', constantVariable(1, [numFeatures], true));
    this.bias = this.registerParameter('bias', constantVariable(0, [numFeatures], true));
  }

  protected override get typeName(): string {
    return 'LayerNorm';
  }

  override extraRepr(): string {
    return `(${this.numFeatures},), eps=${pyFloat(this.eps)}, elementwise_affine=True`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    checkLayerNormInput(x, this.numFeatures, 'LayerNormAutograd.forward');
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, 1, true);
      const xHat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(xHat, this.weight), this.bias);
    });
  }
}
