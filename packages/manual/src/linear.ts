// Linear: y = x·Wᵀ + b (docs/derivations.md). Backward: dW = doutᵀ·x, db = 1ᵀ·dout, dx = dout·W.
import type { tf } from '@backprop/tensor';
import { expectShape, positiveInt } from '@backprop/tensor';
import { notBeforeForward } from './errors.js';
import { normalValues, opsOf } from './init.js';
import type { InitOptions, Layer, WeightAndBias } from './module.js';
import type { Ops } from './ops.js';

export interface LinearOptions<T> extends InitOptions<T> {
  /** Standard deviation of the initial weights (the original's 1e-4). Biases start at 0. */
  std?: number;
}

export class Linear<T = tf.Tensor> implements Layer<T> {
  readonly name = 'Linear';
  readonly ops: Ops<T>;
  /** weight [out, in], bias [out]. */
  readonly params: WeightAndBias<T>;
  /** dL/dweight [out, in], dL/dbias [out], written by backward. */
  readonly grads: WeightAndBias<T>;
  /** forward's input x [N, in], kept for the weight gradient. */
  private cache: { x: T } | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions<T> = {},
  ) {
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const ops = (this.ops = opsOf(options));
    const std = options.std ?? 1e-4;
    const w = ops.fromArray(normalValues(outFeatures * inFeatures, std, options), [outFeatures, inFeatures]);
    const [zerosW, zerosB] = [ops.zeros([outFeatures, inFeatures]), ops.zeros([outFeatures])];
    this.params = { weight: ops.variable(w), bias: ops.variable(zerosB) };
    this.grads = { weight: ops.variable(zerosW), bias: ops.variable(zerosB) };
    ops.dispose([w, zerosW, zerosB]);
  }

  /** x [N, in] → y [N, out] */
  forward(x: T): T {
    const { ops } = this;
    expectShape('Linear.forward', 'x', ops.shape(x), [null, this.inFeatures]);
    this.releaseCache();
    return ops.tidy(() => {
      this.cache = { x: ops.retain(x) };
      return ops.add(ops.matMul(x, this.params.weight, false, true), this.params.bias);
    });
  }

  /** dout [N, out] → dx [N, in]; fills grads.weight and grads.bias. */
  backward(dout: T): T {
    const { ops } = this;
    const x = this.takeCache(dout);
    const dx = ops.tidy(() => {
      this.writeParamGrads(dout, x);
      return ops.matMul(dout, this.params.weight);
    });
    ops.dispose(x);
    return dx;
  }

  /**
   * Like `backward` but only fills `grads`: skips the [N, out]·[out, in] product for dx, which no
   * one needs at a network's first layer.
   */
  backwardParams(dout: T): void {
    const x = this.takeCache(dout);
    this.ops.tidy(() => this.writeParamGrads(dout, x));
    this.ops.dispose(x);
  }

  dispose(): void {
    this.releaseCache();
    this.ops.dispose([this.params.weight, this.params.bias, this.grads.weight, this.grads.bias]);
  }

  private writeParamGrads(dout: T, x: T): void {
    const { ops } = this;
    ops.assign(this.grads.weight, ops.matMul(dout, x, true, false));
    ops.assign(this.grads.bias, ops.sum(dout, 0));
  }

  private takeCache(dout: T): T {
    if (this.cache == null) throw notBeforeForward('Linear');
    const { x } = this.cache;
    expectShape('Linear.backward', 'dout', this.ops.shape(dout), [this.ops.shape(x)[0]!, this.outFeatures]);
    this.cache = null;
    return x;
  }

  /** Frees what the last forward cached (after inference, when no backward will follow). */
  releaseCache(): void {
    if (this.cache != null) this.ops.dispose(this.cache.x);
    this.cache = null;
  }
}
