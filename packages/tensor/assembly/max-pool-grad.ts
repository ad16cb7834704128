// MaxPoolGrad, NHWC, the same bits as maxPoolGrad (pool.ts) — zero dx, then add dy at each
// window's winner with a scalar read-modify-write, window after window (output order) — faster:
// the winners of a window come from windowArgmax (pool-window.ts: the same rule, the channels in
// the inner loop over a table of positions), and
//  - maxPoolGradScatter keeps maxPoolGrad's order, zeroing each image just before its windows
//    (maxPoolGrad zeroes a thread's whole range first: 8 MiB of the CNN's first pool); overlapping
//    windows take it only where an image's winners do not fit the scratch of
//    maxPoolGradGather (max-pool-grad-gather.ts: each dx element written once, the same bits);
//  - maxPoolGradTiles, for windows that do not overlap (stride ≥ window both ways: 2×2 stride 2),
//    writes each dx element once: 0 + dy where it won (the sum maxPoolGrad forms, −0 becoming +0),
//    else 0 — no zero pass and no read-modify-write.
// Images [b0, b1) per thread. Scratch (the thread's): the position table (poolTableBytes), then,
// 64-byte aligned, one window's winners (c i32).
import { align64 } from './blocking';
import { poolTableBytes, windowArgmax, windowPixels } from './pool-window';

/** Windows that do not overlap: each dx element lies in at most one window; pixels in none are 0. */
export function maxPoolGradTiles(
  x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32, scratch: usize, b0: i32, b1: i32,
): void {
  const tab = scratch;
  const winners = align64(scratch + poolTableBytes(fh, fw));
  // Pixels no window covers (strides past the window, rows and columns past the last window).
  const coversAll = sh == fh && sw == fw && oh * sh - padT >= h && ow * sw - padL >= w;
  if (!coversAll) memory.fill(dx + (<usize>(b0 * h * w * c) << 2), 0, <usize>((b1 - b0) * h * w * c) << 2);
  const zero = f32x4.splat(0);
  for (let b = b0; b < b1; b++) {
    const image = b * h * w;
    for (let y = 0; y < oh; y++) {
      const h0 = y * sh - padT;
      const hs = h0 > 0 ? h0 : 0;
      const he = h0 + fh < h ? h0 + fh : h;
      if (hs >= he) continue;
      for (let xo = 0; xo < ow; xo++) {
        const w0 = xo * sw - padL;
        const ws = w0 > 0 ? w0 : 0;
        const we = w0 + fw < w ? w0 + fw : w;
        if (ws >= we) continue;
        const k = windowPixels(tab, image, w, hs, he, ws, we);
        windowArgmax(x, c, tab, k, winners);
        const g = dy + (<usize>(((b * oh + y) * ow + xo) * c) << 2);
        for (let i = 0; i < k; i++) {
          const pix = load<i32>(tab + (<usize>i << 2));
          const out = dx + (<usize>(pix * c) << 2);
          const p = i32x4.splat(pix);
          let ch = 0;
          for (; ch + 4 <= c; ch += 4) {
            const o = <usize>ch << 2;
            v128.store(out + o, v128.and(f32x4.add(zero, v128.load(g + o)), i32x4.eq(v128.load(winners + o), p)));
          }
          for (; ch < c; ch++) {
            const o = <usize>ch << 2;
            store<f32>(out + o, load<i32>(winners + o) == pix ? 0 + load<f32>(g + o) : 0);
          }
        }
      }
    }
  }
}

/** Any windows, in maxPoolGrad's order: per image, zero dx, then per window dx[winner] += dy, channel by channel. */
export function maxPoolGradScatter(
  x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32, scratch: usize, b0: i32, b1: i32,
): void {
  const tab = scratch;
  const winners = align64(scratch + poolTableBytes(fh, fw));
  const imageBytes = <usize>(h * w * c) << 2;
  for (let b = b0; b < b1; b++) {
    const image = b * h * w;
    memory.fill(dx + <usize>b * imageBytes, 0, imageBytes);
    for (let y = 0; y < oh; y++) {
      const h0 = y * sh - padT;
      const hs = h0 > 0 ? h0 : 0;
      const he = h0 + fh < h ? h0 + fh : h;
      if (hs >= he) continue;
      for (let xo = 0; xo < ow; xo++) {
        const w0 = xo * sw - padL;
        const ws = w0 > 0 ? w0 : 0;
        const we = w0 + fw < w ? w0 + fw : w;
        if (ws >= we) continue;
        windowArgmax(x, c, tab, windowPixels(tab, image, w, hs, he, ws, we), winners);
        const g = dy + (<usize>(((b * oh + y) * ow + xo) * c) << 2);
        for (let ch = 0; ch < c; ch++) {
          const o = <usize>ch << 2;
          const a = dx + (<usize>(load<i32>(winners + o) * c) << 2) + o;
          store<f32>(a, load<f32>(a) + load<f32>(g + o));
        }
      }
    }
  }
}
