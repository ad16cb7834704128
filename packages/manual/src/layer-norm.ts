// LayerNorm module (Part 3 of docs/reference-settings.md): per-sample normalisation over the features, γ = 1 and β = 0 at
// init, no running statistics. The math is in layer-norm-functions.ts (shared with @backprop/layers).
import type { tf } from '@backprop/tensor';
import { expectSameShape, expectShape, positiveInt } from '@backprop/tensor';
import { notBeforeForward } from './errors.js';
import { opsOf } from './init.js';
import { layerNormBackwardWith, layerNormForwardWith } from './layer-norm-functions.js';
import type { Layer, ModuleOptions, WeightAndBias } from './module.js';
import type { Ops } from './ops.js';

export class LayerNorm<T = tf.Tensor> implements Layer<T> {
  readonly name = 'LayerNorm';
  readonly ops: Ops<T>;
  /** weight: γ [M], 1 at init; bias: β [M], 0 at init (PyTorch's names). */
  readonly params: WeightAndBias<T>;
  /** dL/dγ [M], dL/dβ [M], written by backward. */
  readonly grads: WeightAndBias<T>;
  /** x̂ [N, M] and 1/√(σ²+ε) [N, 1] of the last forward. */
  private cache: { xHat: T; invStd: T } | null = null;

  constructor(
    readonly nFeatures: number,
    readonly eps = 1e-5,
    options: ModuleOptions<T> = {},
  ) {
    positiveInt('LayerNorm', 'nFeatures', nFeatures);
    if (!(eps > 0)) throw new Error(`LayerNorm: eps must be positive, got ${eps}`);
    const ops = (this.ops = opsOf(options));
    const [one, zero] = [ops.fill([nFeatures], 1), ops.zeros([nFeatures])];
    this.params = { weight: ops.variable(one), bias: ops.variable(zero) };
    this.grads = { weight: ops.variable(zero), bias: ops.variable(zero) };
    ops.dispose([one, zero]);
  }

  /** x [N, M] → y [N, M] */
  forward(x: T): T {
    const { ops } = this;
    expectShape('LayerNorm.forward', 'x', ops.shape(x), [null, this.nFeatures]);
    this.releaseCache();
    return ops.tidy(() => {
      const { y, xHat, invStd } = layerNormForwardWith(ops, x, this.params.weight, this.params.bias, this.eps);
      this.cache = { xHat: ops.keep(xHat), invStd: ops.keep(invStd) };
      return y;
    });
  }

  /** dout [N, M] → dx [N, M]; fills grads.weight (dγ) and grads.bias (dβ). */
  backward(dout: T): T {
    const { ops } = this;
    if (this.cache == null) throw notBeforeForward('LayerNorm');
    const { xHat, invStd } = this.cache;
    expectSameShape('LayerNorm.backward', 'dout', ops.shape(dout), ops.shape(xHat));
    this.cache = null;
    const dx = ops.tidy(() => {
      const { dx, dgamma, dbeta } = layerNormBackwardWith(ops, dout, xHat, invStd, this.params.weight);
      ops.assign(this.grads.weight, dgamma);
      ops.assign(this.grads.bias, dbeta);
      return dx;
    });
    ops.dispose([xHat, invStd]);
    return dx;
  }

  dispose(): void {
    this.releaseCache();
    this.ops.dispose([this.params.weight, this.params.bias, this.grads.weight, this.grads.bias]);
  }

  /** Frees what the last forward cached (after inference, when no backward will follow). */
  releaseCache(): void {
    if (this.cache != null) this.ops.dispose([this.cache.xHat, this.cache.invStd]);
    this.cache = null;
  }
}
