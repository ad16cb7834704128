// Winograd convolutions for 3×3, stride 1, padding 1, NHWC (Lavin & Gray 2016): F(4×4,3×3) on 6×6
// tiles (α = 6) and F(2×2,3×3) on 4×4 tiles (α = 4). For each output tile t (m×m outputs, m = α − 2)
// and frequency ξ = a·α + b:
//   forward:          Y_t = Aᵀ [ Σ_ci U[ξ][ci] ⊙ V[ξ][t][ci] ] A,  V = Bᵀ d_t B,  U = G g Gᵀ
//   filter gradient:  dW  = Gᵀ [ Σ_t V[ξ][t]ᵀ · Z[ξ][t] ] G,         Z = A dy_t Aᵀ
// (the filter gradient is the transpose of the forward map: y = Aᵀ diag(Bᵀd) G g gives
// ∂L/∂g = Gᵀ diag(Bᵀd) A ∂L/∂y, per dimension). The sums over channels / tiles are the per-frequency
// GEMMs on gemm.ts (`winogradGemms`); this file holds the transforms, vectorised over 4 channels
// (channels are innermost in NHWC and in the transformed buffers).
//
// Buffers (floats; Cp = channels rounded up to 4, the padded lanes are zeros):
//   V, Z, M:  [α²][T][Cp]     T = N · tilesH · tilesW tiles, t = (n·tilesH + ty)·tilesW + tx
//   U:        [α²][CinP][CoutP]    dU: [α²][Cin][CoutP]
// Frequencies lie `freqStride` floats apart, which the caller pads off multiples of 4 KiB: the
// transforms touch all α² frequencies of a tile at once, and 36 streams 1 MiB apart would all fall
// in the same cache sets.
// Every function takes a range of tiles or input channels: a thread's range is its own output,
// each element is computed by one fixed sequence of operations, so any split gives the same bits.
//
// Partial tiles: inputs outside the image read as zeros (the padding), outputs outside it are not
// stored, dy outside it reads as zeros (those outputs do not exist).
import { align64 } from './blocking';
import { gemm } from './gemm';
import { madd, minI, takeNext } from './simd';

// @ts-ignore: decorator
@inline
function loadPartial(p: usize, lanes: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline
function loadLanes(p: usize, lanes: i32): v128 {
  return lanes >= 4 ? v128.load(p) : loadPartial(p, lanes);
}

// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** The image value (4 channels) at column ix of a row, or zeros in the padding. */
// @ts-ignore: decorator
@inline
function pixel(row: usize, ix: i32, w: i32, pixelBytes: usize, lanes: i32): v128 {
  if (<u32>ix >= <u32>w) return f32x4.splat(0);
  return loadLanes(row + <usize>ix * pixelBytes, lanes);
}

// ---- 1-D transforms: read α (or 3, or m) vectors at src + i·ss, write to dst + i·ds (bytes) ----

/** Bᵀ d for F(4,3): points 0, ±1, ±2, ∞. */
// @ts-ignore: decorator
@inline
function inputF4(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, ds: usize): void {
  const four = f32x4.splat(4), mfour = f32x4.splat(-4), mfive = f32x4.splat(-5), two = f32x4.splat(2);
  const t0 = madd(mfour, d2, d4); // d4 − 4 d2
  const t1 = madd(mfour, d1, d3); // d3 − 4 d1
  const t2 = f32x4.sub(d4, d2);
  const t3 = f32x4.mul(two, f32x4.sub(d3, d1));
  v128.store(dst, madd(four, d0, madd(mfive, d2, d4)));
  v128.store(dst + ds, f32x4.add(t0, t1));
  v128.store(dst + ds * 2, f32x4.sub(t0, t1));
  v128.store(dst + ds * 3, f32x4.add(t2, t3));
  v128.store(dst + ds * 4, f32x4.sub(t2, t3));
  v128.store(dst + ds * 5, madd(four, d1, madd(mfive, d3, d5)));
}

/** Bᵀ d for F(2,3): points 0, ±1, ∞. */
// @ts-ignore: decorator
@inline
function inputF2(d0: v128, d1: v128, d2: v128, d3: v128, dst: usize, ds: usize): void {
  v128.store(dst, f32x4.sub(d0, d2));
  v128.store(dst + ds, f32x4.add(d1, d2));
  v128.store(dst + ds * 2, f32x4.sub(d2, d1));
  v128.store(dst + ds * 3, f32x4.sub(d1, d3));
}

/** Aᵀ m for F(4,3): 6 → 4 (m outputs written, `count` of them kept by the caller's layout). */
// @ts-ignore: decorator
@inline
function outputF4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + ss * 2);
  const m3 = v128.load(src + ss * 3), m4 = v128.load(src + ss * 4), m5 = v128.load(src + ss * 5);
  const s1 = f32x4.add(m1, m2), d1 = f32x4.sub(m1, m2);
  const s2 = f32x4.add(m3, m4), d2 = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, s1), s2));
  v128.store(dst + ds, madd(f32x4.splat(2), d2, d1));
  v128.store(dst + ds * 2, madd(f32x4.splat(4), s2, s1));
  v128.store(dst + ds * 3, f32x4.add(madd(f32x4.splat(8), d2, d1), m5));
}

/** Aᵀ m for F(2,3): 4 → 2. */
// @ts-ignore: decorator
@inline
function outputF2(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + ss), m2 = v128.load(src + ss * 2), m3 = v128.load(src + ss * 3);
  v128.store(dst, f32x4.add(f32x4.add(m0, m1), m2));
  v128.store(dst + ds, f32x4.sub(f32x4.sub(m1, m2), m3));
}

/** A y for F(4,3) (the transpose of Aᵀ): 4 → 6. */
// @ts-ignore: decorator
@inline
function gradF4(y0: v128, y1: v128, y2: v128, y3: v128, dst: usize, ds: usize): void {
  const s02 = f32x4.add(y0, y2), s13 = f32x4.add(y1, y3);
  const e = madd(f32x4.splat(4), y2, y0); // y0 + 4 y2
  const o = madd(f32x4.splat(8), y3, f32x4.mul(f32x4.splat(2), y1)); // 2 y1 + 8 y3
  v128.store(dst, y0);
  v128.store(dst + ds, f32x4.add(s02, s13));
  v128.store(dst + ds * 2, f32x4.sub(s02, s13));
  v128.store(dst + ds * 3, f32x4.add(e, o));
  v128.store(dst + ds * 4, f32x4.sub(e, o));
  v128.store(dst + ds * 5, y3);
}

/** A y for F(2,3): 2 → 4. */
// @ts-ignore: decorator
@inline
function gradF2(y0: v128, y1: v128, dst: usize, ds: usize): void {
  v128.store(dst, y0);
  v128.store(dst + ds, f32x4.add(y0, y1));
  v128.store(dst + ds * 2, f32x4.sub(y0, y1));
  v128.store(dst + ds * 3, f32x4.neg(y1));
}

/** G g: 3 → α. */
// @ts-ignore: decorator
@inline
function filterG(alpha: i32, g0: v128, g1: v128, g2: v128, dst: usize, ds: usize): void {
  if (alpha == 6) {
    const s = f32x4.add(g0, g2);
    const p = f32x4.mul(f32x4.splat(-1.0 / 6.0), f32x4.add(s, g1));
    const q = f32x4.mul(f32x4.splat(-1.0 / 6.0), f32x4.sub(s, g1));
    const e = madd(f32x4.splat(1.0 / 24.0), g0, f32x4.mul(f32x4.splat(1.0 / 6.0), g2)); // g0/24 + g2/6
    const o = f32x4.mul(f32x4.splat(1.0 / 12.0), g1);
    v128.store(dst, f32x4.mul(f32x4.splat(0.25), g0));
    v128.store(dst + ds, p);
    v128.store(dst + ds * 2, q);
    v128.store(dst + ds * 3, f32x4.add(e, o));
    v128.store(dst + ds * 4, f32x4.sub(e, o));
    v128.store(dst + ds * 5, g2);
  } else {
    const s = f32x4.add(g0, g2);
    v128.store(dst, g0);
    v128.store(dst + ds, f32x4.mul(f32x4.splat(0.5), f32x4.add(s, g1)));
    v128.store(dst + ds * 2, f32x4.mul(f32x4.splat(0.5), f32x4.sub(s, g1)));
    v128.store(dst + ds * 3, g2);
  }
}

/** Gᵀ u: α → 3 (the inverse filter transform of the filter gradient). */
// @ts-ignore: decorator
@inline
function filterGT(alpha: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  const u0 = v128.load(src), u1 = v128.load(src + ss), u2 = v128.load(src + ss * 2), u3 = v128.load(src + ss * 3);
  if (alpha == 6) {
    const u4 = v128.load(src + ss * 4), u5 = v128.load(src + ss * 5);
    const s12 = f32x4.add(u1, u2), d12 = f32x4.sub(u2, u1);
    const s34 = f32x4.add(u3, u4), d34 = f32x4.sub(u3, u4);
    const sixth = f32x4.splat(1.0 / 6.0);
    // w0 = u0/4 − (u1+u2)/6 + (u3+u4)/24;  w1 = (u2−u1)/6 + (u3−u4)/12;  w2 = (u3+u4−u1−u2)/6 + u5
    v128.store(dst, madd(f32x4.splat(0.25), u0, madd(f32x4.splat(-1.0 / 6.0), s12, f32x4.mul(f32x4.splat(1.0 / 24.0), s34))));
    v128.store(dst + ds, madd(sixth, d12, f32x4.mul(f32x4.splat(1.0 / 12.0), d34)));
    v128.store(dst + ds * 2, madd(sixth, f32x4.sub(s34, s12), u5));
  } else {
    const half = f32x4.splat(0.5);
    const s12 = f32x4.add(u1, u2);
    v128.store(dst, madd(half, s12, u0));
    v128.store(dst + ds, f32x4.mul(half, f32x4.sub(u1, u2)));
    v128.store(dst + ds * 2, madd(half, s12, u3));
  }
}

// ---- the passes ----

/**
 * V[ξ][t][c] = (Bᵀ d_t B)[ξ] for tiles [t0, t1) of the NHWC image x [n, h, w, c] (padding 1).
 * `tmp`: 64-byte-aligned scratch of α² vectors.
 */
export function winogradInputTransform(
  t0: i32, t1: i32, alpha: i32, x: usize, h: i32, w: i32, c: i32, tilesH: i32, tilesW: i32,
  v: usize, freqStride: i32, tmp: usize,
): void {
  const m = alpha - 2;
  const cp = (c + 3) & ~3;
  const pixelBytes = <usize>c * 4;
  const vs = <usize>freqStride * 4; // bytes between frequencies
  const rowTmp = <usize>alpha * 16;
  const perImage = tilesH * tilesW;
  for (let t = t0; t < t1; t++) {
    const img = t / perImage;
    const rem = t - img * perImage;
    const ty = rem / tilesW;
    const tx = rem - ty * tilesW;
    const iy0 = ty * m - 1;
    const ix0 = tx * m - 1;
    const vt = v + <usize>t * <usize>cp * 4;
    for (let ch = 0; ch < cp; ch += 4) {
      const lanes = minI(4, c - ch);
      // Rows: e[i] = Bᵀ applied along row i of the tile (zeros for rows in the padding).
      for (let i = 0; i < alpha; i++) {
        const iy = iy0 + i;
        const e = tmp + <usize>i * rowTmp;
        if (<u32>iy >= <u32>h) {
          for (let j = 0; j < alpha; j++) v128.store(e + <usize>j * 16, f32x4.splat(0));
          continue;
        }
        const row = x + (<usize>(img * h + iy) * <usize>w) * pixelBytes + <usize>ch * 4;
        const d0 = pixel(row, ix0, w, pixelBytes, lanes);
        const d1 = pixel(row, ix0 + 1, w, pixelBytes, lanes);
        const d2 = pixel(row, ix0 + 2, w, pixelBytes, lanes);
        const d3 = pixel(row, ix0 + 3, w, pixelBytes, lanes);
        if (alpha == 6) {
          const d4 = pixel(row, ix0 + 4, w, pixelBytes, lanes);
          const d5 = pixel(row, ix0 + 5, w, pixelBytes, lanes);
          inputF4(d0, d1, d2, d3, d4, d5, e, 16);
        } else {
          inputF2(d0, d1, d2, d3, e, 16);
        }
      }
      // Columns: V[(a, b)] = Bᵀ applied down column b of e.
      const out = vt + <usize>ch * 4;
      for (let b = 0; b < alpha; b++) {
        const col = tmp + <usize>b * 16;
        const dst = out + <usize>b * vs;
        const d0 = v128.load(col), d1 = v128.load(col + rowTmp), d2 = v128.load(col + rowTmp * 2), d3 = v128.load(col + rowTmp * 3);
        if (alpha == 6) inputF4(d0, d1, d2, d3, v128.load(col + rowTmp * 4), v128.load(col + rowTmp * 5), dst, vs * 6);
        else inputF2(d0, d1, d2, d3, dst, vs * 4);
      }
    }
  }
}

/**
 * Z[ξ][t][c] = (A dy_t Aᵀ)[ξ] for tiles [t0, t1) of dy [n, h, w, c] (the filter gradient's
 * transform of the output gradient; outputs outside the image read as zeros).
 */
export function winogradGradTransform(
  t0: i32, t1: i32, alpha: i32, dy: usize, h: i32, w: i32, c: i32, tilesH: i32, tilesW: i32,
  z: usize, freqStride: i32, tmp: usize,
): void {
  const m = alpha - 2;
  const cp = (c + 3) & ~3;
  const pixelBytes = <usize>c * 4;
  const zs = <usize>freqStride * 4;
  const rowTmp = <usize>alpha * 16;
  const perImage = tilesH * tilesW;
  for (let t = t0; t < t1; t++) {
    const img = t / perImage;
    const rem = t - img * perImage;
    const ty = rem / tilesW;
    const tx = rem - ty * tilesW;
    const oy0 = ty * m;
    const ox0 = tx * m;
    const zt = z + <usize>t * <usize>cp * 4;
    for (let ch = 0; ch < cp; ch += 4) {
      const lanes = minI(4, c - ch);
      // Rows i < m of the tile: e[i] = A applied along the row.
      for (let i = 0; i < m; i++) {
        const oy = oy0 + i;
        const e = tmp + <usize>i * rowTmp;
        if (oy >= h) {
          for (let j = 0; j < alpha; j++) v128.store(e + <usize>j * 16, f32x4.splat(0));
          continue;
        }
        const row = dy + (<usize>(img * h + oy) * <usize>w) * pixelBytes + <usize>ch * 4;
        const y0 = pixel(row, ox0, w, pixelBytes, lanes);
        const y1 = pixel(row, ox0 + 1, w, pixelBytes, lanes);
        if (alpha == 6) {
          gradF4(y0, y1, pixel(row, ox0 + 2, w, pixelBytes, lanes), pixel(row, ox0 + 3, w, pixelBytes, lanes), e, 16);
        } else {
          gradF2(y0, y1, e, 16);
        }
      }
      const out = zt + <usize>ch * 4;
      for (let b = 0; b < alpha; b++) {
        const col = tmp + <usize>b * 16;
        const dst = out + <usize>b * zs;
        const y0 = v128.load(col), y1 = v128.load(col + rowTmp);
        if (alpha == 6) gradF4(y0, y1, v128.load(col + rowTmp * 2), v128.load(col + rowTmp * 3), dst, zs * 6);
        else gradF2(y0, y1, dst, zs * 4);
      }
    }
  }
}

/**
 * y [n, h, w, c] (+ bias[c] when bias ≠ 0) (+ residual [n, h, w, c] when residual ≠ 0) from
 * M[ξ][t][c] for tiles [t0, t1): Y_t = Aᵀ M_t A, only the outputs inside the image stored. The
 * residual is added last, as a separate Add of the biased output would add it (the same bits),
 * while the tile is in registers: a residual block's sum costs one read of x instead of a pass that
 * reads y and x and writes their sum. `tmp`: α·m + m·m vectors.
 */
export function winogradOutputTransform(
  t0: i32, t1: i32, alpha: i32, mbuf: usize, freqStride: i32, y: usize, h: i32, w: i32, c: i32,
  tilesH: i32, tilesW: i32, bias: usize, residual: usize, tmp: usize,
): void {
  const m = alpha - 2;
  const cp = (c + 3) & ~3;
  const pixelBytes = <usize>c * 4;
  const ms = <usize>freqStride * 4;
  const rowTmp = <usize>m * 16; // tmp[a][j]: α rows of m
  const outTmp = tmp + <usize>(alpha * m) * 16; // out[i][j]: m × m, row-major
  const perImage = tilesH * tilesW;
  for (let t = t0; t < t1; t++) {
    const img = t / perImage;
    const rem = t - img * perImage;
    const ty = rem / tilesW;
    const tx = rem - ty * tilesW;
    const oy0 = ty * m;
    const ox0 = tx * m;
    const rows = minI(m, h - oy0);
    const cols = minI(m, w - ox0);
    const mt = mbuf + <usize>t * <usize>cp * 4;
    for (let ch = 0; ch < cp; ch += 4) {
      const lanes = minI(4, c - ch);
      const src = mt + <usize>ch * 4;
      for (let a = 0; a < alpha; a++) {
        const row = src + <usize>(a * alpha) * ms;
        if (alpha == 6) outputF4(row, ms, tmp + <usize>a * rowTmp, 16);
        else outputF2(row, ms, tmp + <usize>a * rowTmp, 16);
      }
      for (let j = 0; j < m; j++) {
        if (alpha == 6) outputF4(tmp + <usize>j * 16, rowTmp, outTmp + <usize>j * 16, rowTmp);
        else outputF2(tmp + <usize>j * 16, rowTmp, outTmp + <usize>j * 16, rowTmp);
      }
      const b = bias != 0 ? loadLanes(bias + <usize>ch * 4, lanes) : f32x4.splat(0);
      for (let i = 0; i < rows; i++) {
        const at = (<usize>((img * h + oy0 + i) * w + ox0)) * pixelBytes + <usize>ch * 4;
        const dst = y + at;
        for (let j = 0; j < cols; j++) {
          let o = v128.load(outTmp + <usize>(i * m + j) * 16);
          if (bias != 0) o = f32x4.add(o, b);
          if (residual != 0) o = f32x4.add(o, loadLanes(residual + at + <usize>j * pixelBytes, lanes));
          storeLanes(dst + <usize>j * pixelBytes, o, lanes);
        }
      }
    }
  }
}

/** Channel vectors (of 4) a filter transform handles at a time: 64 channels, 256-byte runs. */
const CHUNK: i32 = 16;

/**
 * U[ξ][ci][co] = (G g Gᵀ)[ξ] of the filter [3, 3, cin, cout] for input channels [c0, c1) ⊂ [0, cinP)
 * (U is [α²][cinP][coutP], the padding rows and columns zeros). With `flip`, g is the spatially
 * flipped filter (g[kh][kw] = filter[2 − kh][2 − kw]): the input gradient's filter, used by its
 * GEMM with in/out swapped through strides. `tmp`: 3·α·CHUNK vectors.
 *
 * Why in chunks of 64 channels: the 9 taps of a filter lie cin·cout·4 bytes apart (1 MiB at
 * 512×512, the same cache sets), and U has α² rows to write. Vector by vector, 9 reads and 36 writes
 * in flight thrashed the 8-way caches (12 ms for a 512×512 F(4,3) transform); a chunk reads 3 taps
 * at a time and writes each frequency's row in 256-byte runs.
 */
export function winogradFilterTransform(
  c0: i32, c1: i32, alpha: i32, filter: usize, cin: i32, cout: i32, flip: i32, u: usize, freqStride: i32, tmp: usize,
): void {
  const coutP = (cout + 3) & ~3;
  const us = <usize>freqStride * 4; // bytes between frequencies
  const tapBytes = <usize>cin * <usize>cout * 4;
  const bStride = <usize>CHUNK * 16; // tmp[kh][b][v]
  const khStride = <usize>alpha * bStride;
  for (let ci = c0; ci < c1; ci++) {
    if (ci >= cin) {
      // Padding rows (ci in [cin, cinP)): zeros, so GEMMs may run over whole vectors of channels.
      for (let f = 0; f < alpha * alpha; f++) memory.fill(u + <usize>f * us + <usize>ci * <usize>coutP * 4, 0, <usize>coutP * 4);
      continue;
    }
    const rowBase = filter + <usize>ci * <usize>cout * 4;
    for (let co0 = 0; co0 < coutP; co0 += CHUNK * 4) {
      const nv = minI(CHUNK, (coutP - co0) >> 2);
      for (let kh = 0; kh < 3; kh++) {
        const sh = flip != 0 ? 2 - kh : kh;
        const t0 = rowBase + <usize>(sh * 3 + (flip != 0 ? 2 : 0)) * tapBytes;
        const t1 = rowBase + <usize>(sh * 3 + 1) * tapBytes;
        const t2 = rowBase + <usize>(sh * 3 + (flip != 0 ? 0 : 2)) * tapBytes;
        for (let v = 0; v < nv; v++) {
          const co = co0 + v * 4;
          const lanes = minI(4, cout - co);
          const off = <usize>co * 4;
          filterG(alpha, loadLanes(t0 + off, lanes), loadLanes(t1 + off, lanes), loadLanes(t2 + off, lanes),
            tmp + <usize>kh * khStride + <usize>v * 16, bStride);
        }
      }
      const dst = u + (<usize>ci * <usize>coutP + <usize>co0) * 4;
      for (let b = 0; b < alpha; b++) {
        const col = tmp + <usize>b * bStride;
        const out = dst + <usize>b * us;
        for (let v = 0; v < nv; v++) {
          const p = col + <usize>v * 16;
          filterG(alpha, v128.load(p), v128.load(p + khStride), v128.load(p + khStride * 2), out + <usize>v * 16, us * <usize>alpha);
        }
      }
    }
  }
}

/**
 * dW [3, 3, cin, cout] = (Gᵀ dU G) for input channels [c0, c1), from dU[ξ][ci][co] (row stride
 * coutP). Chunks of 64 channels, as the filter transform (the 9 taps of dW alias in the caches).
 * `tmp`: 3·α·CHUNK + 3·CHUNK vectors.
 */
export function winogradFilterGradInverse(
  c0: i32, c1: i32, alpha: i32, du: usize, freqStride: i32, cin: i32, cout: i32, dw: usize, tmp: usize,
): void {
  const coutP = (cout + 3) & ~3;
  const us = <usize>freqStride * 4;
  const tapBytes = <usize>cin * <usize>cout * 4;
  const kwStride = <usize>CHUNK * 16; // tmp[a][kw][v]
  const aStride = kwStride * 3;
  const outTmp = tmp + <usize>alpha * aStride; // out[kh][v]
  for (let ci = c0; ci < c1; ci++) {
    const rowBase = dw + <usize>ci * <usize>cout * 4;
    for (let co0 = 0; co0 < coutP; co0 += CHUNK * 4) {
      const nv = minI(CHUNK, (coutP - co0) >> 2);
      const src = du + (<usize>ci * <usize>coutP + <usize>co0) * 4;
      // Rows a: tmp[a][kw] = Gᵀ along b.
      for (let a = 0; a < alpha; a++) {
        const row = src + <usize>(a * alpha) * us;
        for (let v = 0; v < nv; v++) filterGT(alpha, row + <usize>v * 16, us, tmp + <usize>a * aStride + <usize>v * 16, kwStride);
      }
      for (let kw = 0; kw < 3; kw++) {
        for (let v = 0; v < nv; v++) filterGT(alpha, tmp + <usize>kw * kwStride + <usize>v * 16, aStride, outTmp + <usize>v * 16, kwStride);
        for (let kh = 0; kh < 3; kh++) {
          const dst = rowBase + <usize>(kh * 3 + kw) * tapBytes;
          for (let v = 0; v < nv; v++) {
            const co = co0 + v * 4;
            storeLanes(dst + <usize>co * 4, v128.load(outTmp + <usize>kh * kwStride + <usize>v * 16), minI(4, cout - co));
          }
        }
      }
    }
  }
}

/**
 * The frequency of B that frequency ξ = a·4 + b reads. bFlipF2 = 1: B is the F(2,3) transform U of a
 * filter g and the GEMMs need that of its spatial flip g'[i][j] = g[2 − i][2 − j]. G reverses into a
 * row swap — G·(g2, g1, g0) = P·G·(g0, g1, g2), P exchanging the points 0 and ∞ (rows 0 and 3; the
 * points ±1 are their own reciprocals) — so U' = P U Pᵀ: U'[a][b] = U[π(a)][π(b)], π = (3, 1, 2, 0),
 * and the input gradient reads the forward's cached U instead of transforming the filter again.
 */
// @ts-ignore: decorator
@inline
function bFrequency(f: i32, flipF2: i32): i32 {
  if (flipF2 == 0) return f;
  const a = f >> 2;
  const b = f & 3;
  const pa = a == 0 ? 3 : a == 3 ? 0 : a;
  const pb = b == 0 ? 3 : b == 3 ? 0 : b;
  return (pa << 2) | pb;
}

/**
 * The per-frequency GEMMs for frequencies [f0, f1): C_ξ = op(A_ξ)[m, k] · op(B_ξ')[k, n], where
 * operand X_ξ starts at x + ξ·xFreqStride floats and ξ' = bFrequency(ξ, bFlipF2). Each frequency's
 * product is computed whole by the thread that owns it.
 */
export function winogradGemms(
  f0: i32, f1: i32, m: i32, n: i32, k: i32,
  a: usize, aFreqStride: i32, aRowStride: i32, aColStride: i32,
  b: usize, bFreqStride: i32, bRowStride: i32, bColStride: i32, bFlipF2: i32,
  c: usize, cFreqStride: i32, ldc: i32, scratch: usize,
): void {
  for (let f = f0; f < f1; f++) {
    gemm(0, m, 0, n, k,
      a + <usize>f * <usize>aFreqStride * 4, aRowStride, aColStride,
      b + <usize>bFrequency(f, bFlipF2) * <usize>bFreqStride * 4, bRowStride, bColStride,
      c + <usize>f * <usize>cFreqStride * 4, ldc, 0, scratch);
  }
}

/**
 * winogradGemms with the frequencies handed out one at a time: each thread takes the next from the
 * i32 counter at `next` (zeroed by the caller) until all `freqs` are taken. A static half each left
 * the calling thread waiting 31 ms of a 2-thread CNN step for the other (AMD EPYC: the two threads
 * do not run equally fast); now the faster takes more. Each frequency is still one GEMM on one thread
 * (the same bits for any split).
 */
export function winogradGemmsShared(
  next: usize, freqs: i32, rowBlock: i32, m: i32, n: i32, k: i32,
  a: usize, aFreqStride: i32, aRowStride: i32, aColStride: i32,
  b: usize, bFreqStride: i32, bRowStride: i32, bColStride: i32, bFlipF2: i32,
  c: usize, cFreqStride: i32, ldc: i32, scratch: usize,
): void {
  // Work items: (frequency, block of `rowBlock` rows of C); a GEMM's rows may be split anywhere
  // without changing a bit (gemm.ts), and smaller items leave less for the last thread to finish.
  const blocks = (m + rowBlock - 1) / rowBlock;
  while (true) {
    const item = takeNext(next);
    if (item >= freqs * blocks) return;
    const f = item / blocks;
    const m0 = (item - f * blocks) * rowBlock;
    gemm(m0, minI(m, m0 + rowBlock), 0, n, k,
      a + <usize>f * <usize>aFreqStride * 4, aRowStride, aColStride,
      b + <usize>bFrequency(f, bFlipF2) * <usize>bFreqStride * 4, bRowStride, bColStride,
      c + <usize>f * <usize>cFreqStride * 4, ldc, 0, scratch);
  }
}

// The three tile transforms with tiles handed out in chunks of `chunk` from the counter at `next`
// (zeroed by the caller), for the same reason as winogradGemmsShared; each tile's values do not
// depend on which thread computes it.

export function winogradInputTransformShared(
  next: usize, chunk: i32, tiles: i32, alpha: i32, x: usize, h: i32, w: i32, c: i32, tilesH: i32, tilesW: i32,
  v: usize, freqStride: i32, tmp: usize,
): void {
  while (true) {
    const t0 = takeNext(next) * chunk;
    if (t0 >= tiles) return;
    winogradInputTransform(t0, minI(tiles, t0 + chunk), alpha, x, h, w, c, tilesH, tilesW, v, freqStride, tmp);
  }
}

export function winogradGradTransformShared(
  next: usize, chunk: i32, tiles: i32, alpha: i32, dy: usize, h: i32, w: i32, c: i32, tilesH: i32, tilesW: i32,
  z: usize, freqStride: i32, tmp: usize,
): void {
  while (true) {
    const t0 = takeNext(next) * chunk;
    if (t0 >= tiles) return;
    winogradGradTransform(t0, minI(tiles, t0 + chunk), alpha, dy, h, w, c, tilesH, tilesW, z, freqStride, tmp);
  }
}

export function winogradOutputTransformShared(
  next: usize, chunk: i32, tiles: i32, alpha: i32, mbuf: usize, freqStride: i32, y: usize, h: i32, w: i32, c: i32,
  tilesH: i32, tilesW: i32, bias: usize, residual: usize, tmp: usize,
): void {
  while (true) {
    const t0 = takeNext(next) * chunk;
    if (t0 >= tiles) return;
    winogradOutputTransform(t0, minI(tiles, t0 + chunk), alpha, mbuf, freqStride, y, h, w, c, tilesH, tilesW, bias, residual, tmp);
  }
}

/**
 * The whole convolution (input transform, the α² GEMMs, output transform) for blocks of `blockTiles`
 * tiles, handed out from the counter at `next` (zeroed by the caller): a block's V and M live in this
 * thread's `work` buffer (winogradBlockWorkBytes) and never go to memory, where the three passes over
 * all tiles write V and M whole and read them back (each α²/m² times the image: 4× for F(2,3)).
 * Each element is computed by the same operations as in those passes (a GEMM's rows may be split
 * anywhere without changing a bit, gemm.ts), so the bits are theirs. B is U (uFreqStride floats
 * between frequencies, read through bFrequency(ξ, uFlipF2) and the strides as winogradGemms reads
 * it); `scratch` is the thread's GEMM scratch.
 */
export function winogradConvBlocks(
  next: usize, tiles: i32, blockTiles: i32, alpha: i32, x: usize, h: i32, w: i32, c: i32, tilesH: i32, tilesW: i32,
  u: usize, uFreqStride: i32, uRowStride: i32, uColStride: i32, uFlipF2: i32,
  y: usize, cout: i32, bias: usize, residual: usize, work: usize, scratch: usize,
): void {
  const cp = (c + 3) & ~3;
  const coutP = (cout + 3) & ~3;
  const freqs = alpha * alpha;
  const vFs = blockTiles * cp + 16; // floats between frequencies, one cache line of padding (as the passes' buffers)
  const mFs = blockTiles * coutP + 16;
  const vBlock = align64(work);
  const mBlock = align64(vBlock + <usize>(freqs * vFs) * 4);
  const tmp = align64(mBlock + <usize>(freqs * mFs) * 4);
  while (true) {
    const t0 = takeNext(next) * blockTiles;
    if (t0 >= tiles) return;
    const t1 = minI(tiles, t0 + blockTiles);
    // The transforms address tile t at buffer + t·(channels)·4: shifting the base puts tile t0 at the
    // block's start (wrapping arithmetic on wasm32 addresses).
    winogradInputTransform(t0, t1, alpha, x, h, w, c, tilesH, tilesW, vBlock - <usize>t0 * <usize>cp * 4, vFs, tmp);
    for (let f = 0; f < freqs; f++) {
      gemm(0, t1 - t0, 0, coutP, c,
        vBlock + <usize>f * <usize>vFs * 4, cp, 1,
        u + <usize>bFrequency(f, uFlipF2) * <usize>uFreqStride * 4, uRowStride, uColStride,
        mBlock + <usize>f * <usize>mFs * 4, coutP, 0, scratch);
    }
    winogradOutputTransform(t0, t1, alpha, mBlock - <usize>t0 * <usize>coutP * 4, mFs, y, h, w, cout, tilesH, tilesW, bias, residual, tmp);
  }
}

/** Bytes of one thread's `work` for winogradConvBlocks: V and M of a block, the transforms' tmp, alignment. */
export function winogradBlockWorkBytes(blockTiles: i32, alpha: i32, c: i32, cout: i32): i32 {
  const cp = (c + 3) & ~3;
  const coutP = (cout + 3) & ~3;
  const freqs = alpha * alpha;
  return (freqs * (blockTiles * cp + 16) + freqs * (blockTiles * coutP + 16)) * 4 + (alpha * alpha + alpha * 4 + 16) * 16 + 3 * 64;
}
