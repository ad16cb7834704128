// Elementwise passes of float32 tensors, four lanes at a time: max/min with a scalar or a tensor of
// the same shape, and the sum of two tensors of one shape (addSame, below).
// Max/min: tfjs-backend-wasm 4.22's Maximum and Minimum take its generic
// broadcasting loop (an index computation per element): ~8 ns an element, 170 µs for the manual
// MLP's [200, 100] ELU, where one SIMD pass takes a few µs. f32x4.max/min return NaN when either
// lane is NaN and order −0 below +0, as tfjs-backend-cpu's Math.max/Math.min do.
// Elements [i0, i1) (a multiple of 4 apart from the end).

/** out[i] = max(a[i], b) (isMax ≠ 0) or min(a[i], b), b a scalar. */
export function minMaxScalar(a: usize, b: f32, out: usize, isMax: i32, i0: i32, i1: i32): void {
  const s = f32x4.splat(b);
  let i = i0;
  if (isMax != 0) {
    for (; i + 4 <= i1; i += 4) v128.store(out + <usize>i * 4, f32x4.max(v128.load(a + <usize>i * 4), s));
  } else {
    for (; i + 4 <= i1; i += 4) v128.store(out + <usize>i * 4, f32x4.min(v128.load(a + <usize>i * 4), s));
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const v = f32x4.splat(load<f32>(a + o));
    store<f32>(out + o, f32x4.extract_lane(isMax != 0 ? f32x4.max(v, s) : f32x4.min(v, s), 0));
  }
}

/** out[i] = max(a[i], b[i]) (isMax ≠ 0) or min(a[i], b[i]). */
export function minMaxSame(a: usize, b: usize, out: usize, isMax: i32, i0: i32, i1: i32): void {
  let i = i0;
  if (isMax != 0) {
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i * 4;
      v128.store(out + o, f32x4.max(v128.load(a + o), v128.load(b + o)));
    }
  } else {
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i * 4;
      v128.store(out + o, f32x4.min(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const x = f32x4.splat(load<f32>(a + o));
    const y = f32x4.splat(load<f32>(b + o));
    store<f32>(out + o, f32x4.extract_lane(isMax != 0 ? f32x4.max(x, y) : f32x4.min(x, y), 0));
  }
}

/**
 * out[i] = a[i] + b[i]: Add of two float32 tensors of one shape (residual sums and the
 * gradients autograd accumulates where a tensor feeds two ops). One float32 add per element, as
 * tfjs-backend-cpu's (its float64 sum of two float32 values rounds to the same float32).
 */
export function addSame(a: usize, b: usize, out: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
