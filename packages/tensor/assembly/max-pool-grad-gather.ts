// MaxPoolGrad for overlapping windows (the CNN's 3×3 stride 2 pad 1), the same bits as
// maxPoolGradScatter (max-pool-grad.ts) without its zero pass and its scalar read-modify-writes:
//  1. the winners of each window, all channels (windowArgmax: the same rule), into the scratch;
//  2. each dx element written once, four channels at a time: the sum, over the windows that hold
//     the pixel in window raster order (the order the scatter adds them), of dy masked by
//     "this window's winner is this pixel".
// Why the bits match: the scatter forms ((+0 + dy_a) + dy_b) + … over the windows the pixel won,
// +0 from its zero fill. Here every window holding the pixel adds a term, dy where it won and +0
// (dy & a zero mask) where it did not. A sum that starts at +0 is never −0 (in round-to-nearest a
// sum is −0 only when both addends are), and s + (+0) = s for every other s, NaN included (s is
// then already a quiet NaN, which the add passes on) — so the +0 terms change no bit.
// The two steps are interleaved by rows: after output row y's winners, the input rows whose last
// window is in row y are written, while the x rows just read and the winners are still in cache.
// Images [b0, b1) per thread. Scratch (the thread's), each part 64-byte aligned: the position table
// (poolTableBytes), the window list of one pixel (gatherListBytes), the image's winners (oh·ow·c
// i32), then c i32 of −1: the winners of a stand-in window that no pixel wins (pads a pixel's list
// to four windows).
import { align64 } from './blocking';
import { poolTableBytes, windowArgmax, windowPixels } from './pool-window';

/** Most windows that hold one input pixel: ⌈fh/sh⌉·⌈fw/sw⌉. */
// @ts-ignore: decorator
@inline
function windowsPerPixel(fh: i32, fw: i32, sh: i32, sw: i32): i32 {
  return ((fh + sh - 1) / sh) * ((fw + sw - 1) / sw);
}

/** Bytes of one pixel's window list: a (winners, dy) address pair per window (8 bytes each on wasm32). */
// @ts-ignore: decorator
@inline
function gatherListBytes(fh: i32, fw: i32, sh: i32, sw: i32): usize {
  return align64(<usize>windowsPerPixel(fh, fw, sh, sw) << 3);
}

/** The first window (row or column) that holds input position i: ⌈(i + pad − f + 1) / s⌉, at least 0. */
// @ts-ignore: decorator
@inline
function firstWindow(i: i32, pad: i32, f: i32, s: i32): i32 {
  const t = i + pad - f + 1;
  return t <= 0 ? 0 : (t + s - 1) / s;
}

/** The last window (row or column) that holds input position i: ⌊(i + pad) / s⌋, at most count − 1. */
// @ts-ignore: decorator
@inline
function lastWindow(i: i32, pad: i32, s: i32, count: i32): i32 {
  const t = (i + pad) / s; // i + pad ≥ 0
  return t < count - 1 ? t : count - 1;
}

// dy where the window's winner (a lane of `winners`) is pixel p, else +0.
// @ts-ignore: decorator
@inline
function wonDy(winners: usize, g: usize, o: usize, p: v128): v128 {
  return v128.and(v128.load(g + o), i32x4.eq(v128.load(winners + o), p));
}

/**
 * dx of pixel `pix` (at `out`, c floats) from the k windows of `list` — pairs (winners, dy) of
 * addresses in window raster order. Windows 2–4 are unrolled; up to four, a missing window is the
 * stand-in `never` (winners −1: it adds +0).
 */
// @ts-ignore: decorator
@inline
function gatherPixel(out: usize, pix: i32, c: i32, list: usize, k: i32, never: usize): void {
  const zero = f32x4.splat(0);
  const p = i32x4.splat(pix);
  let ch = 0;
  if (k == 1) {
    const a0 = load<usize>(list), g0 = load<usize>(list, 4);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      v128.store(out + o, f32x4.add(zero, wonDy(a0, g0, o, p)));
    }
  } else if (k == 2) {
    const a0 = load<usize>(list), g0 = load<usize>(list, 4), a1 = load<usize>(list, 8), g1 = load<usize>(list, 12);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      v128.store(out + o, f32x4.add(f32x4.add(zero, wonDy(a0, g0, o, p)), wonDy(a1, g1, o, p)));
    }
  } else if (k <= 4) {
    const a0 = load<usize>(list), g0 = load<usize>(list, 4), a1 = load<usize>(list, 8), g1 = load<usize>(list, 12);
    const a2 = k > 2 ? load<usize>(list, 16) : never, g2 = k > 2 ? load<usize>(list, 20) : never;
    const a3 = k > 3 ? load<usize>(list, 24) : never, g3 = k > 3 ? load<usize>(list, 28) : never;
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let s = f32x4.add(zero, wonDy(a0, g0, o, p));
      s = f32x4.add(s, wonDy(a1, g1, o, p));
      s = f32x4.add(s, wonDy(a2, g2, o, p));
      v128.store(out + o, f32x4.add(s, wonDy(a3, g3, o, p)));
    }
  } else {
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let s = zero;
      for (let i = 0; i < k; i++) {
        const e = list + (<usize>i << 3);
        s = f32x4.add(s, wonDy(load<usize>(e), load<usize>(e, 4), o, p));
      }
      v128.store(out + o, s);
    }
  }
  // Channel tail: the scatter's own sum, only where the pixel won.
  for (; ch < c; ch++) {
    const o = <usize>ch << 2;
    let s: f32 = 0;
    for (let i = 0; i < k; i++) {
      const e = list + (<usize>i << 3);
      if (load<i32>(load<usize>(e) + o) == pix) s = s + load<f32>(load<usize>(e, 4) + o);
    }
    store<f32>(out + o, s);
  }
}

/** Writes dx of input row iy of an image: each pixel from the windows that hold it (none: +0, as the zero fill gives). */
// @ts-ignore: decorator
@inline
function gatherRow(
  dx: usize, image: i32, iy: i32, w: i32, c: i32, oh: i32, ow: i32, fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  winners: usize, g: usize, list: usize, never: usize,
): void {
  const y0 = firstWindow(iy, padT, fh, sh), y1 = lastWindow(iy, padT, sh, oh);
  // Columns [x0, x1] of the windows that hold ix; both only grow with ix (no division per pixel).
  let x0 = 0, x1 = -1;
  for (let ix = 0; ix < w; ix++) {
    while (x1 + 1 < ow && (x1 + 1) * sw - padL <= ix) x1++;
    while (x0 <= x1 && x0 * sw - padL + fw <= ix) x0++;
    let k = 0;
    for (let wy = y0; wy <= y1; wy++) {
      for (let wx = x0; wx <= x1; wx++) {
        const off = <usize>((wy * ow + wx) * c) << 2;
        const e = list + (<usize>k << 3);
        store<usize>(e, winners + off);
        store<usize>(e, g + off, 4);
        k++;
      }
    }
    const pix = image + iy * w + ix;
    const out = dx + (<usize>(pix * c) << 2);
    if (k == 0) memory.fill(out, 0, <usize>c << 2);
    else gatherPixel(out, pix, c, list, k, never);
  }
}

/** Any windows (meant for overlapping ones): per image, the winners of all windows, then each dx element once. */
export function maxPoolGradGather(
  x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32, scratch: usize, b0: i32, b1: i32,
): void {
  const tab = scratch;
  const list = tab + poolTableBytes(fh, fw);
  const winners = list + gatherListBytes(fh, fw, sh, sw);
  const never = align64(winners + (<usize>(oh * ow * c) << 2));
  memory.fill(never, 0xff, <usize>c << 2); // −1: no pixel's index
  for (let b = b0; b < b1; b++) {
    const image = b * h * w;
    const g = dy + (<usize>(b * oh * ow * c) << 2);
    let next = 0; // the next input row to write
    for (let y = 0; y < oh; y++) {
      const h0 = y * sh - padT;
      const hs = h0 > 0 ? h0 : 0;
      const he = h0 + fh < h ? h0 + fh : h;
      if (hs < he) {
        for (let xo = 0; xo < ow; xo++) {
          const w0 = xo * sw - padL;
          const ws = w0 > 0 ? w0 : 0;
          const we = w0 + fw < w ? w0 + fw : w;
          // An empty window holds no pixel, so no pixel reads its (unwritten) winners.
          if (ws >= we) continue;
          windowArgmax(x, c, tab, windowPixels(tab, image, w, hs, he, ws, we), winners + (<usize>((y * ow + xo) * c) << 2));
        }
      }
      for (; next < h && lastWindow(next, padT, sh, oh) <= y; next++) {
        gatherRow(dx, image, next, w, c, oh, ow, fh, fw, sh, sw, padT, padL, winners, g, list, never);
      }
    }
    // Rows past the last window (and every row when oh is 0).
    for (; next < h; next++) gatherRow(dx, image, next, w, c, oh, ow, fh, fw, sh, sw, padT, padL, winners, g, list, never);
  }
}
