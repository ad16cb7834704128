// MaxPool, NHWC: output rows [r0, r1) of the n·oh rows (a thread's share), each output pixel's
// channels from its window by tfjs-backend-cpu's rule (pool-window.ts: windowMax). `scratch`: the
// thread's, for the window's position table (fh·fw, at least 9, i32).
import { windowMax, windowPixels } from './pool-window';

export function maxPool(
  x: usize, out: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32, scratch: usize, r0: i32, r1: i32,
): void {
  const tab = scratch;
  for (let r = r0; r < r1; r++) {
    const b = r / oh;
    const y = r - b * oh;
    const h0 = y * sh - padT;
    const hs = h0 > 0 ? h0 : 0;
    const he = h0 + fh < h ? h0 + fh : h;
    for (let xo = 0; xo < ow; xo++) {
      const w0 = xo * sw - padL;
      const ws = w0 > 0 ? w0 : 0;
      const we = w0 + fw < w ? w0 + fw : w;
      const k = hs < he && ws < we ? windowPixels(tab, b * h * w, w, hs, he, ws, we) : 0;
      windowMax(x, c, tab, k, out + (<usize>((r * ow + xo) * c) << 2));
    }
  }
}
