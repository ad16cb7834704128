// The manual MLP of Part 1 of docs/reference-settings.md: Linear → activation per hidden layer, then Linear → Softmax.
// Weights N(0, 1e-4²) from one seeded generator (layer by layer, as numpy's global seed did),
// biases 0. Backward runs the modules in reverse; the first Linear skips its (unused) dx.
import { expectShape, positiveInt, Rng, type tf } from '@backprop/tensor';
import { ELU } from './elu.js';
import { opsOf } from './init.js';
import { Linear } from './linear.js';
import type { Layer, ModuleOptions, ParamRef } from './module.js';
import type { Ops } from './ops.js';
import { ReLU } from './relu.js';
import { Softmax } from './softmax.js';
import { Sigmoid } from './sigmoid.js';
import { Tanh } from './tanh.js';
import { activationChoices, isActivationName, type ActivationName } from './activation-names.js';

export type { ActivationName };

export interface MLPOptions<T> extends ModuleOptions<T> {
  /** Hidden-layer activation (default 'elu', the original's). */
  activation?: ActivationName;
  /** Seed of the weight initialisation (default 42). */
  seed?: number;
  /** Generator for the weights, instead of `seed`. */
  rng?: Rng;
  /** Standard deviation of the initial weights (default 1e-4). */
  std?: number;
}

const ACTIVATION_LAYERS: { [K in ActivationName]: <T>(ops: Ops<T>) => Layer<T> } = {
  elu: (ops) => new ELU(1, { ops }),
  tanh: (ops) => new Tanh({ ops }),
  relu: (ops) => new ReLU({ ops }),
  sigmoid: (ops) => new Sigmoid({ ops }),
};

function makeActivation<T>(name: ActivationName, ops: Ops<T>): Layer<T> {
  if (!isActivationName(name)) throw new Error(`MLP: options.activation must be ${activationChoices()}, got '${String(name)}'`);
  return ACTIVATION_LAYERS[name](ops);
}

export class MLP<T = tf.Tensor> {
  readonly ops: Ops<T>;
  /** Linear, activation, …, Linear (the logits); the Softmax is `softmax`. */
  readonly layers: Layer<T>[] = [];
  readonly linears: Linear<T>[] = [];
  readonly softmax: Softmax<T>;
  readonly activation: ActivationName;

  constructor(
    readonly nInputs: number,
    readonly nHidden: readonly number[],
    readonly nClasses: number,
    options: MLPOptions<T> = {},
  ) {
    positiveInt('MLP', 'nInputs', nInputs);
    positiveInt('MLP', 'nClasses', nClasses);
    nHidden.forEach((h, i) => positiveInt('MLP', `nHidden[${i}]`, h));
    const ops = (this.ops = opsOf(options));
    this.activation = options.activation ?? 'elu';
    const rng = options.rng ?? new Rng(options.seed ?? 42);
    const sizes = [nInputs, ...nHidden, nClasses];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const linear = new Linear<T>(sizes[i]!, sizes[i + 1]!, { ops, rng, std: options.std ?? 1e-4 });
      this.linears.push(linear);
      this.layers.push(linear);
      if (i + 2 < sizes.length) this.layers.push(makeActivation(this.activation, ops));
    }
    this.softmax = new Softmax<T>({ ops });
  }

  /** x [N, nInputs] → class probabilities [N, nClasses] */
  forward(x: T): T {
    const { ops } = this;
    return ops.tidy(() => this.softmax.forward(this.logits(x)));
  }

  /** x [N, nInputs] → logits [N, nClasses] (no softmax: for a fused softmax-cross-entropy loss). */
  logits(x: T): T {
    const { ops } = this;
    expectShape('MLP.forward', 'x', ops.shape(x), [null, this.nInputs]);
    return ops.tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }

  /** dL/dprobs [N, nClasses] → fills every layer's grads. */
  backward(dprobs: T): void {
    this.ops.tidy(() => this.backwardLogits(this.softmax.backward(dprobs)));
  }

  /** dL/dlogits [N, nClasses] → fills every layer's grads (after `logits`). */
  backwardLogits(dlogits: T): void {
    const { ops } = this;
    ops.tidy(() => {
      let d = dlogits;
      for (let i = this.layers.length - 1; i > 0; i--) d = this.layers[i]!.backward(d);
      this.linears[0]!.backwardParams(d);
    });
  }

  /**
   * Parameters and gradients with PyTorch's names: `layers.<index>.weight` / `.bias`, the index
   * in `layers` (Linear, activation, Linear, …), as the layers MLP and nn.Sequential name them.
   */
  parameters(): ParamRef<T>[] {
    return this.linears.flatMap((linear) => {
      const at = this.layers.indexOf(linear);
      return [
        { name: `layers.${at}.weight`, param: linear.params.weight, grad: linear.grads.weight },
        { name: `layers.${at}.bias`, param: linear.params.bias, grad: linear.grads.bias },
      ];
    });
  }

  /** Frees the activations cached by the last forward (after inference). */
  releaseCache(): void {
    for (const layer of this.layers) layer.releaseCache();
    this.softmax.releaseCache();
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
    this.softmax.dispose();
  }
}
