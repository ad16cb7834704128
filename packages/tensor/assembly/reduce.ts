// Column sums of a row-major [rows, cols] matrix: out[c] = Σ_r x[r, c], r in order. BatchNorm's
// statistics and gradients and every bias gradient are such sums over the N·H·W rows of an NHWC
// activation. One pass over x, 16 columns (one cache line) at a time; a thread takes a range of
// columns, so each sum is the same chain of adds for any thread count.

/** out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c] for c in [c0, c1). */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize, c0: i32, c1: i32, accumulate: i32): void {
  const rowBytes = <usize>cols * 4;
  let c = c0;
  for (; c + 16 <= c1; c += 16) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    const o = out + <usize>c * 4;
    if (accumulate != 0) {
      s0 = v128.load(o); s1 = v128.load(o, 16); s2 = v128.load(o, 32); s3 = v128.load(o, 48);
    }
    let p = x + <usize>c * 4;
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
      p += rowBytes;
    }
    v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
  }
  for (; c + 4 <= c1; c += 4) {
    const o = out + <usize>c * 4;
    let s = accumulate != 0 ? v128.load(o) : f32x4.splat(0);
    let p = x + <usize>c * 4;
    for (let r = 0; r < rows; r++) {
      s = f32x4.add(s, v128.load(p));
      p += rowBytes;
    }
    v128.store(o, s);
  }
  for (; c < c1; c++) {
    const o = out + <usize>c * 4;
    let s: f32 = accumulate != 0 ? load<f32>(o) : 0;
    let p = x + <usize>c * 4;
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(o, s);
  }
}
