// float32 ⇄ IEEE half (F16) and bfloat16 (BF16) bit patterns, as PyTorch converts them:
// round to nearest, ties to even; overflow to ±inf; NaN stays NaN (quiet); F16 subnormals kept.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → bfloat16 bits (the high half of the float32, rounded to nearest even). */
export function toBFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x0040) & 0xffff; // NaN, quiet
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

export function fromBFloat16Bits(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** float32 → IEEE 754 half bits, round to nearest even. */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // inf or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    // Subnormal: shift the full mantissa (with its hidden bit) and round to nearest even.
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >>> shift;
    if (rest > half || (rest === half && (out & 1) === 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (out & 1) === 1)) out++; // may carry into the exponent: correct, up to inf
  return sign | out;
}

export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Values of a half tensor (bits in a Uint16Array) as float32. */
export function halfToFloat32(bits: Uint16Array, dtype: 'F16' | 'BF16'): Float32Array {
  const out = new Float32Array(bits.length);
  if (dtype === 'BF16') {
    const o = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) o[i] = bits[i]! << 16;
  } else {
    for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i]!);
  }
  return out;
}

/** float32 values as half bits. */
export function float32ToHalf(values: ArrayLike<number>, dtype: 'F16' | 'BF16'): Uint16Array {
  const out = new Uint16Array(values.length);
  const convert = dtype === 'BF16' ? toBFloat16Bits : toFloat16Bits;
  for (let i = 0; i < values.length; i++) out[i] = convert(values[i]!);
  return out;
}
