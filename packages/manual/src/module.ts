// What every hand-written module looks like. Layers cache in `forward` what `backward` needs;
// `backward(dout)` returns dL/dx and fills `grads` (same keys as `params`). Losses take their
// inputs again in `backward`, as in the original assignment.
import type { Rng } from '@backprop/tensor';
import type { Ops } from './ops.js';

export interface Layer<T> {
  readonly name: string;
  readonly ops: Ops<T>;
  /** Trainable values; `grads` has the same keys and shapes. Updated in place (`ops.assign`). */
  readonly params: Record<string, T>;
  readonly grads: Record<string, T>;
  forward(x: T): T;
  /** dL/dx from dL/dy; also writes dL/dθ into `grads`. One backward per forward. */
  backward(dout: T): T;
  /** Frees what the last forward cached (after inference, when no backward will follow). */
  releaseCache(): void;
  /** Frees params, grads and any cached values (no-op on the float64 path). */
  dispose(): void;
}

/** The params (or grads) of a layer with a weight and a bias, PyTorch's names. */
export type WeightAndBias<T> = { weight: T; bias: T };

export interface Loss<T> {
  readonly name: string;
  readonly ops: Ops<T>;
  /** The loss as a scalar ([]), mean over the batch. */
  forward(x: T, targets: T): T;
  /** dL/dx. */
  backward(x: T, targets: T): T;
  /** True when x is logits (fused softmax inside the loss), false when x is probabilities. */
  readonly takesLogits: boolean;
  /** Frees what the last forward cached (when no backward will follow). */
  releaseCache(): void;
  dispose(): void;
}

export interface ModuleOptions<T> {
  /** Which implementation runs the math: `tfOps` (default; float32 tfjs) or `f64Ops` (float64 reference). */
  ops?: Ops<T>;
}

export interface InitOptions<T> extends ModuleOptions<T> {
  /** Generator for the initial weights (default: `new Rng(seed)`). */
  rng?: Rng;
  /** Seed used when no `rng` is given (default 42, the original's). */
  seed?: number;
}

/** A parameter and its gradient, addressed by a dotted name (`layers.0.weight`). Both update in place. */
export interface ParamRef<T> {
  readonly name: string;
  readonly param: T;
  readonly grad: T;
}
