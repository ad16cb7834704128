// Checks on tensors and on torch-style size arguments, for the layers. Like @backprop/tensor's
// (shapeStr, positiveInt, …) they take (op, arg, value, …) and name all three in the error.
import { shapeStr, type tf } from '@backprop/tensor';

/** Throws unless `x` has rank `rank`; `expected` describes the full shape wanted. */
export function expectRank(op: string, arg: string, x: tf.Tensor, rank: number, expected: string): void {
  if (x.rank !== rank) throw new Error(`${op}: ${arg} must be ${expected} (rank ${rank}), got shape ${shapeStr(x.shape)}`);
}

/** Throws unless the last axis of `x` has `size` entries; `expected` describes the full shape wanted. */
export function expectLastDim(op: string, arg: string, x: tf.Tensor, size: number, expected: string): void {
  if (x.shape[x.rank - 1] !== size) throw new Error(`${op}: ${arg} must have shape ${expected}, got ${shapeStr(x.shape)}`);
}

/** A torch-style size argument, one integer ≥ `min` or a pair of them, as a pair. */
export function pair(op: string, arg: string, value: number | readonly [number, number], min = 1): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  for (const v of [a, b]) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${arg} must be an integer ≥ ${min} or a pair of them, got ${String(value)}`);
  }
  return [a, b];
}
