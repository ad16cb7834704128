// One pooling window of an NHWC image, all channels at once: its real (unpadded) positions as a
// table of pixel indices (image·h·w + y·w + x) in raster order, then the channels in the inner loop
// with one pointer per position — for windows of up to 4 and up to 9 positions (2×2, 3×3) the
// pointers are locals and the loop over positions is unrolled (nested loops over a 3×3 window of
// 4 channels cost more in loop overhead than in loads and compares). Shorter windows repeat their
// first position: a repeat equals a value seen before, so it changes neither a running maximum
// (`best < v` is false) nor the position that won.
// Layout of a thread's scratch for the pool kernels: the table first (`poolTableBytes`).
import { align64 } from './blocking';
import { selectLanes } from './simd';

/** Bytes of the position table at the start of the scratch (64-byte multiple). */
// @ts-ignore: decorator
@inline
export function poolTableBytes(fh: i32, fw: i32): usize {
  const n = fh * fw > 9 ? fh * fw : 9;
  return align64(<usize>n * 4);
}

/** Writes the pixel indices of window [hs, he) × [ws, we) of the image starting at pixel `image` into `tab`; returns their count. */
// @ts-ignore: decorator
@inline
export function windowPixels(tab: usize, image: i32, w: i32, hs: i32, he: i32, ws: i32, we: i32): i32 {
  let k = 0;
  for (let yy = hs; yy < he; yy++) {
    for (let xx = ws; xx < we; xx++) {
      store<i32>(tab + (<usize>k << 2), image + yy * w + xx);
      k++;
    }
  }
  return k;
}

// @ts-ignore: decorator
@inline
function padTable(tab: usize, k: i32, to: i32): void {
  const first = load<i32>(tab);
  for (let i = k; i < to; i++) store<i32>(tab + (<usize>i << 2), first);
}

// @ts-ignore: decorator
@inline
function pixelAddress(x: usize, tab: usize, i: i32, c: i32): usize {
  return x + (<usize>(load<i32>(tab + (<usize>i << 2)) * c) << 2);
}

/**
 * out[ch] = the maximum of the window's `k` positions by tfjs-backend-cpu's rule: from −∞, take a
 * value only if greater (NaN never wins, −∞ if all are NaN; of ±0 the first stays).
 * f32x4.pmax(best, v) is exactly `best < v ? v : best` (one maxps).
 */
export function windowMax(x: usize, c: i32, tab: usize, k: i32, out: usize): void {
  const lowest = f32x4.splat(-Infinity);
  let ch = 0;
  if (k == 0) {
    for (; ch < c; ch++) store<f32>(out + (<usize>ch << 2), -Infinity);
    return;
  }
  if (k <= 4) {
    padTable(tab, k, 4);
    const p0 = pixelAddress(x, tab, 0, c), p1 = pixelAddress(x, tab, 1, c), p2 = pixelAddress(x, tab, 2, c), p3 = pixelAddress(x, tab, 3, c);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = f32x4.pmax(lowest, v128.load(p0 + o));
      best = f32x4.pmax(best, v128.load(p1 + o));
      best = f32x4.pmax(best, v128.load(p2 + o));
      best = f32x4.pmax(best, v128.load(p3 + o));
      v128.store(out + o, best);
    }
  } else if (k <= 9) {
    padTable(tab, k, 9);
    const p0 = pixelAddress(x, tab, 0, c), p1 = pixelAddress(x, tab, 1, c), p2 = pixelAddress(x, tab, 2, c);
    const p3 = pixelAddress(x, tab, 3, c), p4 = pixelAddress(x, tab, 4, c), p5 = pixelAddress(x, tab, 5, c);
    const p6 = pixelAddress(x, tab, 6, c), p7 = pixelAddress(x, tab, 7, c), p8 = pixelAddress(x, tab, 8, c);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = f32x4.pmax(lowest, v128.load(p0 + o));
      best = f32x4.pmax(best, v128.load(p1 + o));
      best = f32x4.pmax(best, v128.load(p2 + o));
      best = f32x4.pmax(best, v128.load(p3 + o));
      best = f32x4.pmax(best, v128.load(p4 + o));
      best = f32x4.pmax(best, v128.load(p5 + o));
      best = f32x4.pmax(best, v128.load(p6 + o));
      best = f32x4.pmax(best, v128.load(p7 + o));
      best = f32x4.pmax(best, v128.load(p8 + o));
      v128.store(out + o, best);
    }
  } else {
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = lowest;
      for (let i = 0; i < k; i++) best = f32x4.pmax(best, v128.load(pixelAddress(x, tab, i, c) + o));
      v128.store(out + o, best);
    }
  }
  for (; ch < c; ch++) {
    const o = <usize>ch << 2;
    let best: f32 = -Infinity;
    for (let i = 0; i < k; i++) {
      const v = load<f32>(pixelAddress(x, tab, i, c) + o);
      if (v > best) best = v;
    }
    store<f32>(out + o, best);
  }
}

// One step of the running argmax: v replaces best (and its pixel `at`) only if greater.
// @ts-ignore: decorator
@inline
function argmaxStep(best: v128, at: v128, v: v128, pix: v128): v128 {
  return selectLanes(pix, at, f32x4.gt(v, best));
}

/**
 * winners[ch] (i32) = the pixel index of the window's first maximum, the rule of maxPoolGrad
 * (pool.ts): start at the first position, move only to a greater value. k ≥ 1.
 */
export function windowArgmax(x: usize, c: i32, tab: usize, k: i32, winners: usize): void {
  let ch = 0;
  if (k <= 4) {
    padTable(tab, k, 4);
    const p0 = pixelAddress(x, tab, 0, c), p1 = pixelAddress(x, tab, 1, c), p2 = pixelAddress(x, tab, 2, c), p3 = pixelAddress(x, tab, 3, c);
    const i0 = v128.load32_splat(tab), i1 = v128.load32_splat(tab + 4), i2 = v128.load32_splat(tab + 8), i3 = v128.load32_splat(tab + 12);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = v128.load(p0 + o);
      let at = i0;
      let v = v128.load(p1 + o);
      at = argmaxStep(best, at, v, i1);
      best = f32x4.pmax(best, v);
      v = v128.load(p2 + o);
      at = argmaxStep(best, at, v, i2);
      best = f32x4.pmax(best, v);
      v = v128.load(p3 + o);
      at = argmaxStep(best, at, v, i3);
      v128.store(winners + o, at);
    }
  } else if (k <= 9) {
    padTable(tab, k, 9);
    const p0 = pixelAddress(x, tab, 0, c), p1 = pixelAddress(x, tab, 1, c), p2 = pixelAddress(x, tab, 2, c);
    const p3 = pixelAddress(x, tab, 3, c), p4 = pixelAddress(x, tab, 4, c), p5 = pixelAddress(x, tab, 5, c);
    const p6 = pixelAddress(x, tab, 6, c), p7 = pixelAddress(x, tab, 7, c), p8 = pixelAddress(x, tab, 8, c);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = v128.load(p0 + o);
      let at = v128.load32_splat(tab);
      let v = v128.load(p1 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 4));
      best = f32x4.pmax(best, v);
      v = v128.load(p2 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 8));
      best = f32x4.pmax(best, v);
      v = v128.load(p3 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 12));
      best = f32x4.pmax(best, v);
      v = v128.load(p4 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 16));
      best = f32x4.pmax(best, v);
      v = v128.load(p5 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 20));
      best = f32x4.pmax(best, v);
      v = v128.load(p6 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 24));
      best = f32x4.pmax(best, v);
      v = v128.load(p7 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 28));
      best = f32x4.pmax(best, v);
      v = v128.load(p8 + o);
      at = argmaxStep(best, at, v, v128.load32_splat(tab + 32));
      v128.store(winners + o, at);
    }
  } else {
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      let best = v128.load(pixelAddress(x, tab, 0, c) + o);
      let at = v128.load32_splat(tab);
      for (let i = 1; i < k; i++) {
        const v = v128.load(pixelAddress(x, tab, i, c) + o);
        at = argmaxStep(best, at, v, v128.load32_splat(tab + (<usize>i << 2)));
        best = f32x4.pmax(best, v);
      }
      v128.store(winners + o, at);
    }
  }
  for (; ch < c; ch++) {
    const o = <usize>ch << 2;
    let at = load<i32>(tab);
    let best = load<f32>(pixelAddress(x, tab, 0, c) + o);
    for (let i = 1; i < k; i++) {
      const v = load<f32>(pixelAddress(x, tab, i, c) + o);
      if (v > best) {
        best = v;
        at = load<i32>(tab + (<usize>i << 2));
      }
    }
    store<i32>(winners + o, at);
  }
}
