// The one place where the builds differ (FMA or mul+add; shared memory with atomics or not). With relaxed SIMD, V8 lowers f32x4.relaxed_madd to a
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

/**
 * Four steps of six rows (v_r = row r, steps p..p+3) stored as a packed-A chunk: step-major, the six
 * rows of a step adjacent (96 bytes). A 4×4 transpose of rows 0–3 plus rows 4–5 zipped.
 */
// @ts-ignore: decorator
@inline
export function storeTransposed6x4(d: usize, v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5); // r0p0 r1p0 r0p1 r1p1
  const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7); // r0p2 r1p2 r0p3 r1p3
  const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  const lo = i32x4.shuffle(v4, v5, 0, 4, 1, 5); // r4p0 r5p0 r4p1 r5p1
  const hi = i32x4.shuffle(v4, v5, 2, 6, 3, 7); // r4p2 r5p2 r4p3 r5p3
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store_lane<i64>(d, lo, 0, 16);
  v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 24);
  v128.store_lane<i64>(d, lo, 1, 40);
  v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 48);
  v128.store_lane<i64>(d, hi, 0, 64);
  v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 72);
  v128.store_lane<i64>(d, hi, 1, 88);
}

/** The counter's value, incremented: atomically in the shared-memory build (threads), plainly in the one-thread build. */
// @ts-ignore: decorator
@inline
export function takeNext(counter: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(counter, 1);
  const v = load<i32>(counter);
  store<i32>(counter, v + 1);
  return v;
}

/**
 * Lanes of a where the mask m is set, else of b, for masks from comparisons (each lane all ones
 * or all zeros), where both builds give the same bits. Relaxed SIMD's laneselect is one
 * vblendvps on x64; v128.bitselect is an and, an andnot and an or.
 */
// @ts-ignore: decorator
@inline
export function selectLanes(a: v128, b: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, m);
  return v128.bitselect(a, b, m);
}
