// The MLP of Parts 1–2 of docs/reference-settings.md: Linear → activation [→ BatchNorm1d | LayerNorm] per hidden layer,
// then Linear to the logits. Normalisation after each activation, as in the tuned Part 2 model of docs/reference-settings.md
// (2×100, ELU, BN after each ELU ≈ 0.54). Names: `layers.<i>.…` (one Sequential), as in the
// PyTorch reference.
import { positiveInt, Rng, shapeStr, tf } from '@backprop/tensor';
import { activationChoices, isActivationName, type ActivationName } from '@backprop/manual';
import { ELU, ReLU, Sigmoid, Tanh } from './activations.js';
import { BatchNorm1d } from './batch-norm.js';
import { Flatten } from './flatten.js';
import { LayerNormManual } from './layer-norm-manual.js';
import { Linear } from './linear.js';
import { rngFrom, type InitOptions } from './init.js';
import { Module } from './module.js';
import { Sequential } from './sequential.js';

/** The activation names are @backprop/manual's ACTIVATION_NAMES (one list for every package). */
export type Activation = ActivationName;

/** Initial weights: PyTorch's default initialisation from `seed` (default 42) or `rng` (InitOptions). */
export interface MLPOptions extends InitOptions {
  activation?: Activation;
  /** BatchNorm1d after each hidden activation. */
  batchNorm?: boolean;
  /** LayerNorm (the custom-gradient LayerNormManual) after each hidden activation. */
  layerNorm?: boolean;
}

const ACTIVATION_MODULES: { [K in Activation]: () => Module } = {
  elu: () => new ELU(),
  tanh: () => new Tanh(),
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
};

const activationModule = (name: Activation): Module => {
  if (!isActivationName(name)) throw new Error(`MLP: activation must be ${activationChoices()}, got '${String(name)}'`);
  return ACTIVATION_MODULES[name]();
};

export class MLP extends Module {
  readonly layers: Sequential;
  private readonly flatten = new Flatten();

  constructor(
    readonly nInputs: number,
    readonly nHidden: number[],
    readonly nClasses: number,
    { activation = 'elu', batchNorm = false, layerNorm = false, ...init }: MLPOptions = {},
  ) {
    super();
    positiveInt('MLP', 'nInputs', nInputs);
    positiveInt('MLP', 'nClasses', nClasses);
    if (!Array.isArray(nHidden)) throw new Error(`MLP: nHidden must be an array of layer widths, got ${String(nHidden)}`);
    nHidden.forEach((h, i) => positiveInt('MLP', `nHidden[${i}]`, h));
    if (batchNorm && layerNorm) throw new Error('MLP: choose batchNorm or layerNorm, not both');
    const rng = rngFrom('MLP', init, () => new Rng(42));
    const modules: Module[] = [];
    let width = nInputs;
    for (const h of nHidden) {
      modules.push(new Linear(width, h, { rng }), activationModule(activation));
      if (batchNorm) modules.push(new BatchNorm1d(h));
      if (layerNorm) modules.push(new LayerNormManual(h));
      width = h;
    }
    modules.push(new Linear(width, nClasses, { rng }));
    this.layers = this.registerModule('layers', new Sequential(...modules));
  }

  /** x: [N, nInputs], or NHWC images flattened in PyTorch's C, H, W order → logits [N, nClasses]. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const flat = x.rank === 2 ? x : this.flatten.forward(x);
      if (flat.rank !== 2 || flat.shape[1] !== this.nInputs) {
        throw new Error(`MLP.forward: x must have shape [N, ${this.nInputs}] (or images with ${this.nInputs} values each), got ${shapeStr(x.shape)}`);
      }
      return this.layers.forward(flat);
    });
  }
}
