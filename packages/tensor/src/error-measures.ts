// How far one array of numbers is from another: the two measures the gradient checks, the
// float32-against-float64 comparisons and the kernel tests use. Both read NaN as Infinity, so a
// NaN can never pass a `< tolerance` test.

function expectSameLength(op: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`${op}: sizes differ, actual ${a.length} vs expected ${b.length}`);
}

/**
 * Element-wise relative error, max over i of |aᵢ − bᵢ| / max(1e-8, |aᵢ| + |bᵢ|): the original
 * assignment's gradient-check measure (0 for equal arrays, at most 1). Symmetric in a and b.
 */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expectSameLength('relError', actual, expected);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const err = Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

/**
 * Error relative to the reference's scale, max |aᵢ − bᵢ| / max |bᵢ| (the denominator floored at
 * 1e-30): for sums of many float32 terms, where an element near zero by cancellation would make
 * the element-wise `relError` large without anything being wrong.
 */
export function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expectSameLength('scaledError', actual, expected);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  const err = diff / Math.max(scale, 1e-30);
  return Number.isNaN(err) ? Infinity : err;
}

/** max |aᵢ − bᵢ| (NaN reads as Infinity). */
export function maxAbsError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expectSameLength('maxAbsError', actual, expected);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}
