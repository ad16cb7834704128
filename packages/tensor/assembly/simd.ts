// The one place where the two builds differ. With relaxed SIMD, V8 lowers f32x4.relaxed_madd to a
// fused multiply-add (vfmadd231ps): one instruction and one rounding. Without it, a mul and an add.
// Every kernel calls `madd`, so each build is consistent with itself (results do not depend on the
// thread count), and the two builds differ only by the rounding of the fused product.

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
export function maddScalar(a: f32, b: f32, c: f32): f32 {
  // Scalar tails use the same rounding as the vector lanes they stand in for.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  return a * b + c;
}

// @ts-ignore: decorator
@inline
export function minI(a: i32, b: i32): i32 {
  return a < b ? a : b;
}
