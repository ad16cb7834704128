// Shared plumbing of parameter-free, shape-preserving layers (ELU, Tanh, ReLU, Softmax): shape
// checks, caching what backward needs, tidying. Each subclass holds only its math: `compute`
// (forward, returning what to cache) and `gradient` (backward from that cache).
import type { tf } from '@backprop/tensor';
import { expectSameShape, expectShape } from '@backprop/tensor';
import { notBeforeForward } from './errors.js';
import { opsOf } from './init.js';
import type { Layer, ModuleOptions } from './module.js';
import type { Ops } from './ops.js';

export abstract class Activation<T = tf.Tensor> implements Layer<T> {
  abstract readonly name: string;
  readonly ops: Ops<T>;
  readonly params: Record<string, never> = {};
  readonly grads: Record<string, never> = {};
  private cache: { shape: number[]; saved: T[] } | null = null;

  constructor(options: ModuleOptions<T> = {}) {
    this.ops = opsOf(options);
  }

  /** y from x, and the arrays `gradient` will need (x or y, typically). */
  protected abstract compute(x: T): { y: T; save: T[] };
  /** dx from dout and the saved arrays. */
  protected abstract gradient(dout: T, saved: T[]): T;

  /** x [N, M] → y [N, M] */
  forward(x: T): T {
    const { ops } = this;
    expectShape(`${this.name}.forward`, 'x', ops.shape(x), [null, null]);
    this.releaseCache();
    return ops.tidy(() => {
      const { y, save } = this.compute(x);
      this.cache = { shape: ops.shape(x), saved: save.map((t) => ops.retain(t)) };
      return y;
    });
  }

  /** dout [N, M] → dx [N, M] */
  backward(dout: T): T {
    const { ops } = this;
    if (this.cache == null) throw notBeforeForward(this.name);
    const { shape, saved } = this.cache;
    expectSameShape(`${this.name}.backward`, 'dout', ops.shape(dout), shape);
    this.cache = null;
    const dx = ops.tidy(() => this.gradient(dout, saved));
    ops.dispose(saved);
    return dx;
  }

  dispose(): void {
    this.releaseCache();
  }

  /** Frees what the last forward cached (after inference, when no backward will follow). */
  releaseCache(): void {
    if (this.cache != null) this.ops.dispose(this.cache.saved);
    this.cache = null;
  }
}
