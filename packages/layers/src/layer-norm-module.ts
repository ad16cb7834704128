// What the two LayerNorm modules (autograd and hand-derived backward) share: γ (`weight`, ones)
// and β (`bias`, zeros) over `numFeatures`, ε, the 2-D input check and torch.nn.LayerNorm's repr.
// Each subclass gives only its math, `normalize`.
import { positiveInt, shapeStr, tf } from '@backprop/tensor';
import { constantVariable } from './init.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** Throws unless x is [N, n]: the custom LayerNorm is defined for 2-D input only. */
export function checkLayerNormInput(x: tf.Tensor, n: number, op: string): void {
  if (x.rank !== 2) throw new Error(`${op}: x must be 2-D [batch, ${n}], got shape ${shapeStr(x.shape)} (rank ${x.rank})`);
  if (x.shape[1] !== n) throw new Error(`${op}: x must have shape [batch, ${n}], got ${shapeStr(x.shape)}`);
}

export abstract class LayerNormModule extends Module {
  /** γ, ones at init. */
  readonly weight: tf.Variable;
  /** β, zeros at init. */
  readonly bias: tf.Variable;

  constructor(readonly numFeatures: number, readonly eps = 1e-5) {
    super();
    positiveInt(this.constructor.name, 'numFeatures', numFeatures);
    if (!(eps > 0)) throw new Error(`${this.constructor.name}: eps must be positive, got ${eps}`);
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
    checkLayerNormInput(x, this.numFeatures, `${this.constructor.name}.forward`);
    return this.normalize(x);
  }

  /** y = γ·x̂ + β for a checked x [N, numFeatures]. */
  protected abstract normalize(x: tf.Tensor): tf.Tensor;
}
