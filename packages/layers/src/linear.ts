// torch.nn.Linear: y = x·Wᵀ + b with W stored as PyTorch's [out, in].
import { positiveInt, tf } from '@backprop/tensor';
import { expectLastDim, expectRank } from './errors.js';
import { defaultRng, kaimingUniformValues, rngFrom, variableFrom, type InitOptions } from './init.js';
import { Module } from './module.js';
import { pyBool } from './repr.js';

/** `seed` or `rng` (InitOptions); neither: the global generator (`manualSeed`). */
export interface LinearOptions extends InitOptions {
  bias?: boolean;
}

export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    { bias = true, ...init }: LinearOptions = {},
  ) {
    super();
    const rng = rngFrom('Linear', init, defaultRng);
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    // Same draw order as PyTorch's reset_parameters: weight, then bias.
    this.weight = this.registerParameter('weight', variableFrom(kaimingUniformValues(outFeatures * inFeatures, inFeatures, rng), [outFeatures, inFeatures]));
    this.bias = bias ? this.registerParameter('bias', variableFrom(kaimingUniformValues(outFeatures, inFeatures, rng), [outFeatures])) : null;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias != null)}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    expectRank('Linear.forward', 'x', x, 2, `[N, ${this.inFeatures}]`);
    expectLastDim('Linear.forward', 'x', x, this.inFeatures, `[N, ${this.inFeatures}]`);
    return tf.tidy(() => {
      // transposeB hits Backprop's fast BatchMatMul path on WASM.
      const y = tf.matMul(x, this.weight, false, true);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
