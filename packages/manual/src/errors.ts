// Argument checks whose messages name the op, the argument, what was expected and what came.

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Throws unless `shape` is 2-D and matches `expected` (null = any size on that axis). */
export function expectShape(op: string, arg: string, shape: readonly number[], expected: ReadonlyArray<number | null>): void {
  const ok = shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
  if (!ok) {
    const want = `[${expected.map((d, i) => (d === null ? (i === 0 ? 'N' : 'M') : d)).join(', ')}]`;
    throw new Error(`${op}: ${arg} must have shape ${want}, got ${shapeStr(shape)}`);
  }
}

/** Throws unless two shapes are identical. */
export function expectSameShape(op: string, arg: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: ${arg} must have shape ${shapeStr(expected)}, got ${shapeStr(shape)}`);
  }
}

export function positiveInt(op: string, arg: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${op}: ${arg} must be a positive integer, got ${value}`);
}

export function notBeforeForward(op: string): Error {
  return new Error(`${op}.backward: called before forward (backward needs the values forward caches; each forward allows one backward)`);
}
