// The error manual modules share; the argument checks (shapeStr, positiveInt, expectShape, …) are
// @backprop/tensor's, shared with every package.

export function notBeforeForward(op: string): Error {
  return new Error(`${op}.backward: called before forward (backward needs the values forward caches; each forward allows one backward)`);
}
