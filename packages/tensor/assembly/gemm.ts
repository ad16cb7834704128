// Packed GEMM, C[M,N] (+)= op(A)[M,K] · op(B)[K,N], float32, on byte addresses in the imported
// (tfjs) memory. The GotoBLAS/BLIS loop nest: B is packed KC×NC at a time into NR-column panels
// (in L2), A is packed MC×KC at a time into MR-row panels, and a 6×8 register-tiled microkernel
// runs over each (MR-row, NR-column) tile.
//
// Why 6×8: 12 f32x4 accumulators + 2 vectors of B + 1 broadcast of A = 15 registers, which is
// exactly what V8's TurboFan gives wasm on x64. A larger tile, or unrolling the k loop, spills and
// loses 20–40% (measured; see the engine's codegen check).
//
// Operands are given by strides, so every transpose combination is one call:
//   op(A)[i, p] at a + 4·(i·aRowStride + p·aColStride),  op(B)[p, j] at b + 4·(p·bRowStride + j·bColStride).
//
// Determinism: each C element is one chain of multiply-adds over p = 0, 1, …, K−1 in order
// (K blocks are visited in order, a later block continues from the stored partial sum), whatever
// rectangle [m0, m1) × [n0, n1) a thread is given. So splitting the output over threads gives the
// same bits as one thread.
import { KC, MC, MR, NC, NR, scratchA, scratchB, scratchRows, scratchTapRows, scratchTile, scratchZeros, ZERO_FLOATS } from './blocking';
import { packIm2colCols, packIm2colRows } from './im2col';
import { madd, minI, storeTransposed6x4 } from './simd';

/** The 6×8 microkernel: tile (row stride ldc bytes) = (keep ? tile : 0) + Ap·Bp over kc. */
export function micro6x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, keep: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  if (keep) {
    let r = c;
    c00 = v128.load(r); c01 = v128.load(r, 16); r += ldc;
    c10 = v128.load(r); c11 = v128.load(r, 16); r += ldc;
    c20 = v128.load(r); c21 = v128.load(r, 16); r += ldc;
    c30 = v128.load(r); c31 = v128.load(r, 16); r += ldc;
    c40 = v128.load(r); c41 = v128.load(r, 16); r += ldc;
    c50 = v128.load(r); c51 = v128.load(r, 16);
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(ap, 20);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    ap += 24;
    bp += 32;
  }
  let r = c;
  v128.store(r, c00); v128.store(r, c01, 16); r += ldc;
  v128.store(r, c10); v128.store(r, c11, 16); r += ldc;
  v128.store(r, c20); v128.store(r, c21, 16); r += ldc;
  v128.store(r, c30); v128.store(r, c31, 16); r += ldc;
  v128.store(r, c40); v128.store(r, c41, 16); r += ldc;
  v128.store(r, c50); v128.store(r, c51, 16);
}

/** Packs rows [0, mc) × depth [0, kc) of op(A) from `a` into MR-row panels: panel q, step p, row r at ((q·kc + p)·MR + r). */
export function packA(mc: i32, kc: i32, a: usize, rowStride: i32, colStride: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = minI(MR, mc - i0);
    const panel = dst + <usize>(i0 * kc) * 4;
    if (rowStride == 1 && mr == MR) {
      // op(A) is a transposed operand: the MR values of a step are adjacent in memory.
      for (let p = 0; p < kc; p++) {
        const src = a + <usize>(i0 + p * colStride) * 4;
        const d = panel + <usize>(p * MR) * 4;
        v128.store(d, v128.load(src));
        store<u64>(d, load<u64>(src, 16), 16);
      }
      continue;
    }
    let p0 = 0;
    if (colStride == 1 && mr == MR) {
      // Row-major op(A): 4 steps of the 6 rows at a time, a 4×4 transpose plus two zipped rows.
      const rowBytes = <usize>rowStride * 4;
      const r0 = a + <usize>(i0 * rowStride) * 4;
      for (; p0 + 4 <= kc; p0 += 4) {
        const src = r0 + <usize>p0 * 4;
        const v0 = v128.load(src);
        const v1 = v128.load(src + rowBytes);
        const v2 = v128.load(src + rowBytes * 2);
        const v3 = v128.load(src + rowBytes * 3);
        const v4 = v128.load(src + rowBytes * 4);
        const v5 = v128.load(src + rowBytes * 5);
        storeTransposed6x4(panel + <usize>(p0 * MR) * 4, v0, v1, v2, v3, v4, v5);
      }
    }
    for (let r = 0; r < mr; r++) {
      let src = a + <usize>((i0 + r) * rowStride + p0 * colStride) * 4;
      const step = <usize>colStride * 4;
      let d = panel + <usize>(p0 * MR + r) * 4;
      for (let p = p0; p < kc; p++) {
        store<f32>(d, load<f32>(src));
        src += step;
        d += MR * 4;
      }
    }
    for (let r = mr; r < MR; r++) {
      let d = panel + <usize>r * 4;
      for (let p = 0; p < kc; p++) {
        store<f32>(d, 0);
        d += MR * 4;
      }
    }
  }
}

/** Packs depth [0, kc) × columns [0, nc) of op(B) into NR-column panels: panel q, step p, column c at ((q·kc + p)·NR + c). */
export function packB(kc: i32, nc: i32, b: usize, rowStride: i32, colStride: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = minI(NR, nc - j0);
    const panel = dst + <usize>(j0 * kc) * 4;
    if (colStride == 1 && nr == NR) {
      let src = b + <usize>j0 * 4;
      const step = <usize>rowStride * 4;
      let d = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
        d += NR * 4;
      }
      continue;
    }
    let p0 = 0;
    if (rowStride == 1 && nr == NR) {
      // Transposed op(B) (stored [N, K]): 4 steps of the 8 columns at a time, two 4×4 transposes.
      const colBytes = <usize>colStride * 4;
      const c0 = b + <usize>(j0 * colStride) * 4;
      for (; p0 + 4 <= kc; p0 += 4) {
        const d = panel + <usize>(p0 * NR) * 4;
        for (let half = 0; half < 2; half++) {
          const src = c0 + colBytes * <usize>(half * 4) + <usize>p0 * 4;
          const v0 = v128.load(src);
          const v1 = v128.load(src + colBytes);
          const v2 = v128.load(src + colBytes * 2);
          const v3 = v128.load(src + colBytes * 3);
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          const h = d + <usize>(half * 16);
          v128.store(h, i64x2.shuffle(t0, t1, 0, 2));
          v128.store(h, i64x2.shuffle(t0, t1, 1, 3), 32);
          v128.store(h, i64x2.shuffle(t2, t3, 0, 2), 64);
          v128.store(h, i64x2.shuffle(t2, t3, 1, 3), 96);
        }
      }
    }
    for (let c = 0; c < nr; c++) {
      let src = b + <usize>((j0 + c) * colStride + p0 * rowStride) * 4;
      const step = <usize>rowStride * 4;
      let d = panel + <usize>(p0 * NR + c) * 4;
      for (let p = p0; p < kc; p++) {
        store<f32>(d, load<f32>(src));
        src += step;
        d += NR * 4;
      }
    }
    for (let c = nr; c < NR; c++) {
      let d = panel + <usize>c * 4;
      for (let p = 0; p < kc; p++) {
        store<f32>(d, 0);
        d += NR * 4;
      }
    }
  }
}

/** A partial tile: copied into the edge buffer, run through the microkernel, copied back. */
export function edgeTile(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32, keep: bool, tile: usize): void {
  for (let r = 0; r < MR; r++) {
    for (let j = 0; j < NR; j++) {
      const v: f32 = keep && r < mr && j < nr ? load<f32>(c + <usize>(r * ldc + j) * 4) : 0;
      store<f32>(tile + <usize>(r * NR + j) * 4, v);
    }
  }
  micro6x8(kc, ap, bp, tile, NR * 4, true);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) store<f32>(c + <usize>(r * ldc + j) * 4, load<f32>(tile + <usize>(r * NR + j) * 4));
  }
}

/** How an operand is packed: from a strided matrix, or from an NHWC image as im2col (im2col.ts). */
export const STRIDED: i32 = 0;
export const IM2COL: i32 = 1;

/**
 * Rows [m0, m1) × columns [n0, n1) of C (row stride ldc elements) = (accumulate ? C : 0) + bias +
 * op(A)·op(B) over depth k. `bias` (0: none) is a per-column vector. `scratch` holds
 * gemmScratchBytes() bytes for this thread alone. aKind/bKind: STRIDED, or IM2COL (A: im2col
 * rows; B: im2col with positions as depth), with the geometry set by im2col.setGeometry.
 */
export function gemmBlocked(
  m0: i32, m1: i32, n0: i32, n1: i32, k: i32,
  a: usize, aRowStride: i32, aColStride: i32, aKind: i32,
  b: usize, bRowStride: i32, bColStride: i32, bKind: i32,
  c: usize, ldc: i32, accumulate: i32, bias: usize, scratch: usize,
): void {
  if (m1 <= m0 || n1 <= n0) return;
  if (k <= 0) {
    for (let i = m0; i < m1; i++) {
      const row = c + <usize>(i * ldc + n0) * 4;
      if (accumulate == 0) memory.fill(row, 0, <usize>(n1 - n0) * 4);
      if (bias != 0) for (let j = 0; j < n1 - n0; j++) store<f32>(row + <usize>j * 4, load<f32>(row + <usize>j * 4) + load<f32>(bias + <usize>(n0 + j) * 4));
    }
    return;
  }
  const ap = scratchA(scratch);
  const bp = scratchB(scratch);
  const tile = scratchTile(scratch);
  const zeros = scratchZeros(scratch);
  const rows = scratchRows(scratch);
  if (aKind == IM2COL || bKind == IM2COL) memory.fill(zeros, 0, <usize>ZERO_FLOATS * 4);
  const ldcBytes = <usize>ldc * 4;
  for (let jc = n0; jc < n1; jc += NC) {
    const nc = minI(NC, n1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = minI(KC, k - pc);
      const first = pc == 0;
      const keep = accumulate != 0 || !first || bias != 0;
      if (bKind == IM2COL) packIm2colCols(kc, nc, pc, jc, bp, zeros);
      else packB(kc, nc, b + <usize>(pc * bRowStride + jc * bColStride) * 4, bRowStride, bColStride, bp);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = minI(MC, m1 - ic);
        if (aKind == IM2COL) packIm2colRows(mc, kc, ic, pc, ap, zeros, rows, scratchTapRows(scratch));
        else packA(mc, kc, a + <usize>(ic * aRowStride + pc * aColStride) * 4, aRowStride, aColStride, ap);
        if (first && bias != 0) {
          // The bias starts each sum (as XNNPACK does): written into C, then accumulated onto.
          for (let i = ic; i < ic + mc; i++) {
            const row = c + <usize>(i * ldc + jc) * 4;
            if (accumulate == 0) memory.copy(row, bias + <usize>jc * 4, <usize>nc * 4);
            else for (let j = 0; j < nc; j++) store<f32>(row + <usize>j * 4, load<f32>(row + <usize>j * 4) + load<f32>(bias + <usize>(jc + j) * 4));
          }
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = minI(NR, nc - jr);
          const bPanel = bp + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = minI(MR, mc - ir);
            const aPanel = ap + <usize>(ir * kc) * 4;
            const cTile = c + <usize>((ic + ir) * ldc + jc + jr) * 4;
            if (mr == MR && nr == NR) micro6x8(kc, aPanel, bPanel, cTile, ldcBytes, keep);
            else edgeTile(kc, aPanel, bPanel, cTile, ldc, mr, nr, keep, tile);
          }
        }
      }
    }
  }
}

/** C[m0:m1, n0:n1] = (accumulate ? C : 0) + op(A)·op(B): the plain strided GEMM. */
export function gemm(
  m0: i32, m1: i32, n0: i32, n1: i32, k: i32,
  a: usize, aRowStride: i32, aColStride: i32,
  b: usize, bRowStride: i32, bColStride: i32,
  c: usize, ldc: i32, accumulate: i32, scratch: usize,
): void {
  gemmBlocked(m0, m1, n0, n1, k, a, aRowStride, aColStride, STRIDED, b, bRowStride, bColStride, STRIDED, c, ldc, accumulate, 0, scratch);
}
