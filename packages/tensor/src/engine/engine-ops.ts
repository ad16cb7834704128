// The engine's kernels as parallel jobs: each splits its *output* into one range per thread
// (never a reduction), so results are bit-identical for any thread count.
import type { Engine } from './engine.js';

/** op(X) of a GEMM operand: element [i, j] at address + 4·(i·rowStride + j·colStride). */
export interface Operand {
  address: number;
  rowStride: number;
  colStride: number;
}

/** Below this many multiply-adds a job runs on the calling thread (waking the pool costs more). */
const PARALLEL_MIN_FMAS = 1 << 18;
const MR = 6; // assembly/gemm.ts
const NR = 8;

/** Splits [0, n) into at most `parts` ranges of whole `unit`s, in order. */
export function splitRange(n: number, parts: number, unit: number): Array<[number, number]> {
  const units = Math.ceil(n / unit);
  const count = Math.max(1, Math.min(parts, units));
  const ranges: Array<[number, number]> = [];
  for (let t = 0; t < count; t++) {
    const from = Math.min(n, Math.floor((units * t) / count) * unit);
    const to = Math.min(n, Math.floor((units * (t + 1)) / count) * unit);
    if (to > from) ranges.push([from, to]);
  }
  return ranges;
}

/** C[m, n] (row stride ldc) = (accumulate ? C : 0) + op(A)[m, k] · op(B)[k, n]. */
export function gemm(engine: Engine, m: number, n: number, k: number, a: Operand, b: Operand, c: number, ldc: number, accumulate = false): void {
  const threads = m * n * k < PARALLEL_MIN_FMAS ? 1 : engine.threads;
  // Split the larger side: each thread packs the whole of the other operand.
  const byRows = Math.ceil(m / MR) >= Math.ceil(n / NR);
  const ranges = byRows ? splitRange(m, threads, MR) : splitRange(n, threads, NR);
  const acc = accumulate ? 1 : 0;
  engine.run('gemm', ranges.map(([from, to], t) => [
    byRows ? from : 0, byRows ? to : m, byRows ? 0 : from, byRows ? n : to, k,
    a.address, a.rowStride, a.colStride,
    b.address, b.rowStride, b.colStride,
    c, ldc, acc, engine.scratch[t]!,
  ]));
}

/** Rows per block of a blocked column sum (assembly/reduce.ts columnBlockSums). */
export const SUM_BLOCK_ROWS = 256;
/** Matrices with at least this many rows (and enough work to share) are summed in row blocks... */
export const SUM_BLOCKED_MIN_ROWS = 2048;
/** ...when they have at most this many columns (wider ones split their columns into whole 512-byte row pieces). */
export const SUM_BLOCKED_MAX_COLS = 128;

/**
 * out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c] over a row-major [rows, cols] matrix. Tall ones
 * (≥ SUM_BLOCKED_MIN_ROWS rows, ≤ SUM_BLOCKED_MAX_COLS columns, ≥ 2^18 elements — the bias gradient of a
 * 64- or 128-channel NHWC activation) are summed per
 * block of SUM_BLOCK_ROWS rows, the blocks split between the threads (so each streams half the rows:
 * splitting the columns instead left both threads reading every row), then the block sums down in
 * order; the rest as one chain per column over the rows. Which way depends on the shape only, so the
 * bits are the same on any number of threads.
 */
export function columnSums(engine: Engine, x: number, rows: number, cols: number, out: number, accumulate = false): void {
  const threads = rows * cols < PARALLEL_MIN_FMAS ? 1 : engine.threads;
  const acc = accumulate ? 1 : 0;
  const blocks = Math.ceil(rows / SUM_BLOCK_ROWS);
  // The block sums go in the calling thread's scratch, which no thread uses during these two jobs.
  if (rows >= SUM_BLOCKED_MIN_ROWS && cols <= SUM_BLOCKED_MAX_COLS && rows * cols >= PARALLEL_MIN_FMAS && blocks * cols * 4 <= engine.scratchBytes) {
    const partials = engine.scratch[0]!;
    engine.run('columnBlockSums', splitRange(blocks, engine.threads, 1).map(([b0, b1]) => [x, rows, cols, SUM_BLOCK_ROWS, partials, b0, b1]));
    engine.run('columnSums', [[partials, blocks, cols, out, 0, cols, acc]]);
    return;
  }
  // Whole cache lines (16 floats) per thread.
  engine.run('columnSums', splitRange(cols, threads, 16).map(([from, to]) => [x, rows, cols, out, from, to, acc]));
}
