// Shape checks with messages that name the op, what it expects and what it got.
import type { tf } from '@backprop/tensor';

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Throws unless `x` has rank `rank`. */
export function expectRank(x: tf.Tensor, rank: number, op: string, what: string): void {
  if (x.rank !== rank) throw new Error(`${op}: x must be ${what} (rank ${rank}), got shape ${shapeStr(x.shape)}`);
}

/** Throws unless the last axis of `x` has `size` entries; `expected` describes the full shape. */
export function expectLastDim(x: tf.Tensor, size: number, op: string, expected: string): void {
  if (x.shape[x.rank - 1] !== size) throw new Error(`${op}: x must have shape ${expected}, got ${shapeStr(x.shape)}`);
}

export function positiveInt(value: number, op: string, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${op}: ${name} must be a positive integer, got ${value}`);
  return value;
}

export function pair(value: number | readonly [number, number], op: string, name: string, min = 1): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  for (const v of [a, b]) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${String(value)}`);
  }
  return [a, b];
}
