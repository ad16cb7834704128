// The small set of array operations every module's math is written against. Each module's
// forward and backward is written ONCE, generic in the tensor type T, and runs on two
// implementations: `tfOps` (tf.Tensor, float32, WASM — for training) and `f64Ops` (F64Tensor, a
// Float64Array matrix — for gradient checks at the original float64 tolerances).
//
// Shapes are at most 2-D. Binary ops broadcast numpy-style over 2-D views: [] ≡ [1, 1], [n] ≡ [1, n];
// each axis must be equal or 1.

/** Reduction axis of a 2-D array: 0 = over rows (per column), 1 = over columns (per row). */
export type Axis = 0 | 1;

/** What a `tidy` callback may return: nothing, one array, or a flat list/record of them. */
export type Tidied<T> = void | T | T[] | Record<string, T>;

export interface Ops<T> {
  /** 'float32' for the tfjs path, 'float64' for the reference path. */
  readonly dtype: 'float32' | 'float64';
  readonly name: string;

  shape(x: T): number[];
  /** A new array holding `values` (converted to the implementation's dtype). */
  fromArray(values: ArrayLike<number>, shape: number[]): T;
  /** The values, row-major (a copy for tf; reads synchronously). */
  toArray(x: T): Float32Array | Float64Array;
  zeros(shape: number[]): T;
  fill(shape: number[], value: number): T;

  /** A holder whose value `assign` replaces in place (tf.Variable on the tf path). */
  variable(initial: T): T;
  /** Replaces the value of a `variable` in place; shapes must match. */
  assign(target: T, value: T): void;
  /**
   * θ − lr·g: the SGD step's new value. The same bits as `sub(param, mul(grad, lr))`, which is
   * what it computes where the backend has no fused update; on WASM with the engine it is one pass.
   */
  sgdStep(param: T, grad: T, lr: number): T;

  // Lifetimes: tfjs frees GPU/WASM memory explicitly; the float64 path lets the GC do it.
  /** Runs fn, freeing every intermediate not returned. */
  tidy<R extends Tidied<T>>(fn: () => R): R;
  /** Exempts x from the enclosing tidy (for values a module keeps between calls). */
  keep(x: T): T;
  /** A kept copy of x that can be freed independently of x (cheap on tf: shares the buffer). */
  retain(x: T): T;
  dispose(x: T | readonly T[]): void;

  add(a: T, b: T | number): T;
  sub(a: T, b: T | number): T;
  mul(a: T, b: T | number): T;
  div(a: T, b: T | number): T;
  neg(x: T): T;
  /** a·b with optional transposes (2-D only). */
  matMul(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  transpose(x: T): T;
  reshape(x: T, shape: number[]): T;

  exp(x: T): T;
  log(x: T): T;
  tanh(x: T): T;
  sqrt(x: T): T;
  /** 1/√x */
  rsqrt(x: T): T;
  square(x: T): T;
  maximum(x: T, value: number): T;
  minimum(x: T, value: number): T;
  /** 1 where x > 0, else 0 (the Heaviside step as a float mask). */
  step(x: T): T;

  sum(x: T, axis?: Axis, keepDims?: boolean): T;
  mean(x: T, axis?: Axis, keepDims?: boolean): T;
  max(x: T, axis: Axis, keepDims?: boolean): T;
}
