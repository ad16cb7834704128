// ReLU's input gradient in one pass: dx = dy · s with s = 1 where x > 0, 0 where x ≤ 0 and NaN
// where x is NaN — the values of tfjs's gradient dy · cast(step(x)) (three kernels and two
// temporaries), bit for bit: the same float multiply, so dy = ±Infinity or NaN over x ≤ 0 still
// gives NaN and a negative dy over x ≤ 0 gives −0.

/** dy · s(x), four lanes (also BatchNorm + ReLU's backward: x may be the ReLU's output, s is the same). */
// @ts-ignore: decorator
@inline
export function reluGradLanes(dy: v128, x: v128): v128 {
  // s: 1 or 0 by x > 0, then NaN where x ≠ x (x itself: it is the NaN).
  return f32x4.mul(dy, v128.bitselect(x, v128.and(f32x4.splat(1), f32x4.gt(x, f32x4.splat(0))), f32x4.ne(x, x)));
}

/** dy · s(x), one lane. */
// @ts-ignore: decorator
@inline
export function reluGradLane(dy: f32, x: f32): f32 {
  return dy * (x != x ? x : x > 0 ? <f32>1 : <f32>0);
}

/** dx[i] = dy[i] · s(x[i]) for elements [i0, i1). */
export function reluGrad(dy: usize, x: usize, dx: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    v128.store(dx + o, reluGradLanes(v128.load(dy + o), v128.load(x + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    store<f32>(dx + o, reluGradLane(load<f32>(dy + o), load<f32>(x + o)));
  }
}
