// Argument checks shared by every package above this one. Each takes (op, arg, value, …) in that
// order and throws an Error naming the op, the argument, what was expected and what came.

/** A shape as error messages print it: `[2, 3]` (a scalar is `[]`). */
export const shapeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The number of elements of a tensor of this shape (1 for a scalar's []). */
export const shapeSize = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Returns `value` unless it is not a positive integer; then throws, naming `op` and `arg`. */
export function positiveInt(op: string, arg: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${op}: ${arg} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Throws unless `shape` has `expected`'s rank and size on every axis where `expected` is not null
 * (null = any size; printed as N for the first axis, M for the others).
 */
export function expectShape(op: string, arg: string, shape: readonly number[], expected: ReadonlyArray<number | null>): void {
  const ok = shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
  if (!ok) {
    const want = `[${expected.map((d, i) => (d === null ? (i === 0 ? 'N' : 'M') : d)).join(', ')}]`;
    throw new Error(`${op}: ${arg} must have shape ${want}, got ${shapeStr(shape)}`);
  }
}

/** Throws unless `shape` equals `expected`. */
export function expectSameShape(op: string, arg: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: ${arg} must have shape ${shapeStr(expected)}, got ${shapeStr(shape)}`);
  }
}
