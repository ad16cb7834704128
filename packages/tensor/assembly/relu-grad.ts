// ReLU's input gradient in one pass: dx = dy · s with s = 1 where x > 0, 0 where x ≤ 0 and NaN
// where x is NaN — the values of tfjs's gradient dy · cast(step(x)) (three kernels and two
// temporaries), bit for bit: the same float multiply, so dy = ±Infinity or NaN over x ≤ 0 still
// gives NaN and a negative dy over x ≤ 0 gives −0.

/** dx[i] = dy[i] · s(x[i]) for elements [i0, i1). */
export function reluGrad(dy: usize, x: usize, dx: usize, i0: i32, i1: i32): void {
  const one = f32x4.splat(1);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    const v = v128.load(x + o);
    // s: 1 or 0 by x > 0, then NaN where x ≠ x (x itself: it is the NaN).
    const s = v128.bitselect(v, v128.and(one, f32x4.gt(v, f32x4.splat(0))), f32x4.ne(v, v));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), s));
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const v = load<f32>(x + o);
    const s: f32 = v != v ? v : v > 0 ? 1 : 0;
    store<f32>(dx + o, load<f32>(dy + o) * s);
  }
}
