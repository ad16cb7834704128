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

/** out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c] over a row-major [rows, cols] matrix. */
export function columnSums(engine: Engine, x: number, rows: number, cols: number, out: number, accumulate = false): void {
  const threads = rows * cols < PARALLEL_MIN_FMAS ? 1 : engine.threads;
  const acc = accumulate ? 1 : 0;
  // Whole cache lines (16 floats) per thread.
  engine.run('columnSums', splitRange(cols, threads, 16).map(([from, to]) => [x, rows, cols, out, from, to, acc]));
}
