// Pixels for <canvas>: CIFAR records (uint8, C×H×W planes) and learned weights (float, any range)
// as RGBA. Pure functions, so they are unit-tested without a browser.

/** One C×H×W uint8 record (C = 1 or 3) → RGBA bytes, H×W row-major. */
export function chwToRgba(bytes: Uint8Array, offset: number, [c, h, w]: readonly [number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  if (c !== 1 && c !== 3) throw new Error(`chwToRgba: records must have 1 or 3 channels, got ${c}`);
  const plane = h * w;
  if (offset < 0 || offset + c * plane > bytes.length) throw new Error(`chwToRgba: record at ${offset} of ${c * plane} bytes runs past the ${bytes.length}-byte buffer`);
  const out = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    const r = bytes[offset + p]!;
    out[4 * p] = r;
    out[4 * p + 1] = c === 3 ? bytes[offset + plane + p]! : r;
    out[4 * p + 2] = c === 3 ? bytes[offset + 2 * plane + p]! : r;
    out[4 * p + 3] = 255;
  }
  return out;
}

/**
 * One filter or weight template, `c` planes of h×w floats from `offset`, → RGBA with the values
 * mapped linearly so that the filter's own min is 0 and max is 255 (per filter: templates differ
 * in scale, and a shared scale would leave most of them grey).
 */
export function weightsToRgba(data: Float32Array, offset: number, c: number, h: number, w: number): Uint8ClampedArray<ArrayBuffer> {
  if (c !== 1 && c !== 3) throw new Error(`weightsToRgba: filters must have 1 or 3 input channels, got ${c}`);
  const plane = h * w;
  const n = c * plane;
  if (offset < 0 || offset + n > data.length) throw new Error(`weightsToRgba: filter at ${offset} of ${n} values runs past the ${data.length}-value array`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const out = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    const r = (data[offset + p]! - lo) * scale;
    out[4 * p] = r;
    out[4 * p + 1] = c === 3 ? (data[offset + plane + p]! - lo) * scale : r;
    out[4 * p + 2] = c === 3 ? (data[offset + 2 * plane + p]! - lo) * scale : r;
    out[4 * p + 3] = 255;
  }
  return out;
}

/**
 * How to cut a first-layer weight tensor (PyTorch layout) into images: a dense layer [out, C·H·W]
 * gives `out` templates of the input's shape; a conv layer [out, C, kh, kw] gives `out` filters.
 */
export function weightTiles(kind: 'dense' | 'conv', shape: readonly number[], inputShape: readonly [number, number, number]): { count: number; c: number; h: number; w: number } {
  if (kind === 'conv') {
    const [out, c, h, w] = shape;
    if (shape.length !== 4 || out == null || c == null || h == null || w == null) throw new Error(`weightTiles: conv weights must be [out, C, kh, kw], got [${shape.join(', ')}]`);
    return { count: out, c, h, w };
  }
  const [out, features] = shape;
  const [c, h, w] = inputShape;
  if (shape.length !== 2 || out == null || features !== c * h * w) {
    throw new Error(`weightTiles: dense weights must be [out, ${c * h * w}] for ${c}×${h}×${w} inputs, got [${shape.join(', ')}]`);
  }
  return { count: out, c, h, w };
}
