// Column sums of a row-major [rows, cols] matrix: out[c] = Σ_r x[r, c], r in order. BatchNorm's
// statistics and gradients and every bias gradient are such sums over the N·H·W rows of an NHWC
// activation. Sixteen columns (one 64-byte line of a row) are summed in registers down a block of
// rows, then the next sixteen down the same block, which by then is in L2: a block of ~64 KiB of
// the thread's columns, so every line of x comes from memory once. (Summing each 16-column strip
// down *all* rows read x from memory once per strip: 1.1 ms for a [32·32·32, 128] activation on 2
// threads; keeping the sums in `out` and walking rows in order stalled on the store→load chain:
// 1.0 ms for [32·16·16, 256] against 0.4. AMD EPYC.) A thread takes a range of columns, and each
// column's sum is one chain of adds over the rows in order whatever the blocks (the partial sum
// goes through `out` between blocks unchanged), so the bits are the same for any thread count.

/** Bytes of a thread's columns summed per row block (L2-resident while its strips are walked). */
const BLOCK_BYTES: i32 = 64 << 10;

/** Rows per block when `width` columns are walked in strips: the block's strips stay in L2. */
function blockRowsFor(width: i32): i32 {
  const block = BLOCK_BYTES / (width * 4);
  return block < 8 ? 8 : block;
}

/** out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c] for c in [c0, c1). */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize, c0: i32, c1: i32, accumulate: i32): void {
  stripSums(x, rows, cols, out, c0, c1, accumulate != 0, 0, false);
}

/** out[c] = Σ_r (x[r, c] − mean[c])² for c in [c0, c1) (BatchNorm's variance, before the division). */
export function squaredDeviationSums(x: usize, rows: i32, cols: i32, mean: usize, out: usize, c0: i32, c1: i32): void {
  stripSums(x, rows, cols, out, c0, c1, false, mean, true);
}

/** The walk of both: the terms x, or (x − mean)² where `squared` (a constant in each copy). */
// @ts-ignore: decorator
@inline
function stripSums(x: usize, rows: i32, cols: i32, out: usize, c0: i32, c1: i32, accumulate: bool, mean: usize, squared: bool): void {
  const rowBytes = <usize>cols * 4;
  const width = c1 - c0;
  if (width <= 0) return;
  const block = blockRowsFor(width);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = rows - r0 < block ? rows - r0 : block;
    const keep = accumulate || r0 > 0; // continue from the partial sums in out
    const first = x + <usize>r0 * rowBytes;
    let c = c0;
    for (; c + 16 <= c1; c += 16) {
      const q = <usize>c * 4;
      const u0 = squared ? v128.load(mean + q) : f32x4.splat(0), u1 = squared ? v128.load(mean + q, 16) : f32x4.splat(0);
      const u2 = squared ? v128.load(mean + q, 32) : f32x4.splat(0), u3 = squared ? v128.load(mean + q, 48) : f32x4.splat(0);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      const o = out + q;
      if (keep) {
        s0 = v128.load(o); s1 = v128.load(o, 16); s2 = v128.load(o, 32); s3 = v128.load(o, 48);
      }
      let p = first + q;
      for (let r = 0; r < n; r++) {
        s0 = f32x4.add(s0, term(v128.load(p), u0, squared));
        s1 = f32x4.add(s1, term(v128.load(p, 16), u1, squared));
        s2 = f32x4.add(s2, term(v128.load(p, 32), u2, squared));
        s3 = f32x4.add(s3, term(v128.load(p, 48), u3, squared));
        p += rowBytes;
      }
      v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
    }
    for (; c + 4 <= c1; c += 4) {
      const q = <usize>c * 4;
      const u = squared ? v128.load(mean + q) : f32x4.splat(0);
      const o = out + q;
      let s = keep ? v128.load(o) : f32x4.splat(0);
      let p = first + q;
      for (let r = 0; r < n; r++) {
        s = f32x4.add(s, term(v128.load(p), u, squared));
        p += rowBytes;
      }
      v128.store(o, s);
    }
    for (; c < c1; c++) {
      const q = <usize>c * 4;
      const u: f32 = squared ? load<f32>(mean + q) : 0;
      const o = out + q;
      let s: f32 = keep ? load<f32>(o) : 0;
      let p = first + q;
      for (let r = 0; r < n; r++) {
        const v = load<f32>(p);
        const d = v - u;
        s += squared ? d * d : v;
        p += rowBytes;
      }
      store<f32>(o, s);
    }
  }
}

// @ts-ignore: decorator
@inline
function term(v: v128, u: v128, squared: bool): v128 {
  if (!squared) return v;
  const d = f32x4.sub(v, u);
  return f32x4.mul(d, d);
}

/**
 * Column sums of blocks of `blockRows` rows: partials[b, c] = Σ x[r, c] over block b's rows (the last
 * block may be shorter), for blocks [b0, b1). Tall matrices are summed this way over row blocks split
 * between the threads (each thread streams only its rows), then the [blocks, cols] partials are summed
 * down in block order by columnSums: the block size is fixed by the shape, not the thread count, so
 * the bits are the same on any number of threads.
 */
export function columnBlockSums(x: usize, rows: i32, cols: i32, blockRows: i32, partials: usize, b0: i32, b1: i32): void {
  for (let b = b0; b < b1; b++) {
    const r0 = b * blockRows;
    const n = rows - r0 < blockRows ? rows - r0 : blockRows;
    columnSums(x + <usize>r0 * <usize>cols * 4, n, cols, partials + <usize>(b * cols) * 4, 0, cols, 0);
  }
}
