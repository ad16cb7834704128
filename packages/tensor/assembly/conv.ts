// Convolutions as implicit GEMMs (NHWC, any kernel size, stride and padding; no dilation), on the
// packed GEMM of gemm.ts with im2col done inside the packing (im2col.ts):
//   forward:          y[m, co]        = bias[co] + Σ_p im2col(x)[m, p] · W[p, co]   (W is [KH·KW·Cin, Cout])
//   filter gradient:  dWᵀ[co, p]      = Σ_m dy[m, co] · im2col(x)[m, p]             (the caller transposes)
// The input gradient of a stride-1 conv is a forward conv of dy with the flipped filter (TS side).
import { gemmBlocked, IM2COL, STRIDED } from './gemm';
import { setGeometry, setPositionBase } from './im2col';
import { minI, takeNext } from './simd';

/** Rows [m0, m1) of y [N·OH·OW, Cout] for output channels [n0, n1). bias: 0 for none. */
export function convForward(
  m0: i32, m1: i32, n0: i32, n1: i32,
  x: usize, h: i32, w: i32, cin: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  filter: usize, cout: i32, bias: usize, y: usize, scratch: usize,
): void {
  setGeometry(x, h, w, cin, oh, ow, kw, sh, sw, padT, padL);
  gemmBlocked(m0, m1, n0, n1, kh * kw * cin, 0, 0, 0, IM2COL, filter, cout, 1, STRIDED, y, cout, 0, bias, scratch);
}

/** Rows [m0, m1) (output channels) × columns [n0, n1) (taps·channels) of dWᵀ [Cout, KH·KW·Cin]. */
export function convFilterGradT(
  m0: i32, m1: i32, n0: i32, n1: i32, positions: i32,
  x: usize, h: i32, w: i32, cin: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  dy: usize, cout: i32, dwT: usize, scratch: usize,
): void {
  setGeometry(x, h, w, cin, oh, ow, kw, sh, sw, padT, padL);
  gemmBlocked(m0, m1, n0, n1, positions, dy, 1, cout, STRIDED, 0, 0, 0, IM2COL, dwT, kh * kw * cin, 0, 0, scratch);
}

/**
 * The filter gradient in chunks of `chunk` positions, for layers with many positions and a small
 * dW (a 1×1 or 3-channel conv on a large image): split over dW's tiles, every thread would pack the
 * whole of one operand (the im2col gather, or all of dy). Chunk q, handed out from the i32 counter
 * at `next` (zeroed by the caller) to whichever thread is free, writes its own partial
 * partials[q] [Cout, KH·KW·Cin] = Σ over its positions of dy[m, co] · im2col(x)[m, p]; the caller
 * adds them in chunk order (reduce.ts columnSums over the [chunks, Cout·KH·KW·Cin] partials). The chunks follow from the shape alone: the same bits on any number of
 * threads.
 */
export function convFilterGradTChunks(
  next: usize, chunks: i32, chunk: i32, positions: i32,
  x: usize, h: i32, w: i32, cin: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  dy: usize, cout: i32, partials: usize, scratch: usize,
): void {
  setGeometry(x, h, w, cin, oh, ow, kw, sh, sw, padT, padL);
  const taps = kh * kw * cin;
  while (true) {
    const q = takeNext(next);
    if (q >= chunks) break;
    const p0 = q * chunk;
    setPositionBase(p0);
    gemmBlocked(0, cout, 0, taps, minI(chunk, positions - p0), dy + <usize>p0 * <usize>cout * 4, 1, cout, STRIDED, 0, 0, 0, IM2COL,
      partials + <usize>q * <usize>(cout * taps) * 4, taps, 0, 0, scratch);
  }
  setPositionBase(0);
}

