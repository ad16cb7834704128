// A tiny float64 array type (at most 2-D) for the reference path: tfjs has no float64, yet the
// original assignment's gradient checks ran in float64 at tight tolerances.
import { shapeSize, shapeStr } from '@backprop/tensor';

export class F64Tensor {
  readonly data: Float64Array;
  readonly shape: readonly number[];

  constructor(data: Float64Array, shape: readonly number[]) {
    if (shape.length > 2) throw new Error(`F64Tensor: shape must have at most 2 axes, got ${shapeStr(shape)}`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new Error(`F64Tensor: shape must hold non-negative integers, got ${shapeStr(shape)}`);
    }
    const size = shapeSize(shape);
    if (data.length !== size) throw new Error(`F64Tensor: shape ${shapeStr(shape)} needs ${size} values, got ${data.length}`);
    this.data = data;
    this.shape = shape.slice();
  }

  static from(values: ArrayLike<number>, shape: readonly number[]): F64Tensor {
    return new F64Tensor(Float64Array.from(values), shape);
  }

  static zeros(shape: readonly number[]): F64Tensor {
    return new F64Tensor(new Float64Array(shapeSize(shape)), shape);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Rows and columns of the 2-D view: [] → [1, 1], [n] → [1, n]. */
  get rowsCols(): [number, number] {
    if (this.shape.length === 2) return [this.shape[0]!, this.shape[1]!];
    if (this.shape.length === 1) return [1, this.shape[0]!];
    return [1, 1];
  }

  clone(): F64Tensor {
    return new F64Tensor(this.data.slice(), this.shape);
  }

  toString(): string {
    return `F64Tensor${shapeStr(this.shape)}`;
  }
}
