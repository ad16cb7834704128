// Packing convolution operands straight from an NHWC image, as if im2col had been run (it never
// is: a 3×3 layer's im2col matrix would be 9× the image). The geometry is set once per call by
// conv.ts (`setGeometry`); each thread's instance has its own copy of these globals.
//
// Rows of im2col are output positions m = (n, oh, ow); columns are filter taps and input channels
// p = (kh, kw, ci), channels innermost, so a run of channels of one tap is contiguous in the image.
// A position whose tap falls in the padding reads from the scratch's zero row.
import { MR, NR, TAP_ROW_MAX } from './blocking';
import { storeTransposed6x4 } from './simd';

let gX: usize = 0;
let gH: i32 = 0;
let gW: i32 = 0;
let gCin: i32 = 0;
let gOH: i32 = 0;
let gOW: i32 = 0;
let gKW: i32 = 0;
let gSH: i32 = 1;
let gSW: i32 = 1;
let gPadT: i32 = 0;
let gPadL: i32 = 0;
/** Added to the positions packIm2colCols is asked for: a GEMM over a chunk of positions counts from 0. */
let gPositionBase: i32 = 0;

export function setGeometry(x: usize, h: i32, w: i32, cin: i32, oh: i32, ow: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32): void {
  gX = x; gH = h; gW = w; gCin = cin; gOH = oh; gOW = ow; gKW = kw; gSH = sh; gSW = sw; gPadT = padT; gPadL = padL;
  gPositionBase = 0;
}

/** Positions of the next packIm2colCols calls start at `base` (setGeometry resets it to 0). */
export function setPositionBase(base: i32): void {
  gPositionBase = base;
}

/** Where position m's tap (kh, kw) channel ci lies, or `zeros` (+ ci) in the padding. */
// @ts-ignore: decorator
@inline
function source(img: i32, ihBase: i32, iwBase: i32, kh: i32, kw: i32, ci: i32, zeros: usize): usize {
  const ih = ihBase + kh;
  const iw = iwBase + kw;
  if (<u32>ih >= <u32>gH || <u32>iw >= <u32>gW) return zeros + <usize>ci * 4;
  return gX + (<usize>(((img + ih) * gW + iw) * gCin + ci)) * 4;
}

/**
 * Packs im2col rows [m0, m0 + mc) × columns [p0, p0 + kc) into MR-row panels (gemm.ts's layout).
 * `rows` is scratch for MR × 3 i32: each row's image row offset and top-left input corner;
 * `tapRows` for MR × TAP_ROW_MAX floats (packTapRows).
 */
export function packIm2colRows(mc: i32, kc: i32, m0: i32, p0: i32, dst: usize, zeros: usize, rows: usize, tapRows: usize): void {
  const perImage = gOH * gOW;
  const tapRow = gKW * gCin;
  // Few channels (the first conv: 3): a tap is too short to copy well on its own, so whole filter
  // rows (KW taps, contiguous in the image) are packed at once.
  const wholeTapRows = tapRow <= TAP_ROW_MAX && p0 % tapRow == 0 && kc % tapRow == 0;
  for (let q = 0; q < mc; q += MR) {
    const mr = mc - q < MR ? mc - q : MR;
    for (let r = 0; r < MR; r++) {
      const info = rows + <usize>(r * 12);
      if (r < mr) {
        const m = m0 + q + r;
        const n = m / perImage;
        const rem = m - n * perImage;
        const oh = rem / gOW;
        const ow = rem - oh * gOW;
        store<i32>(info, n * gH);
        store<i32>(info, oh * gSH - gPadT, 4);
        store<i32>(info, ow * gSW - gPadL, 8);
      } else {
        store<i32>(info, 0);
        store<i32>(info, -(1 << 28), 4); // always in the padding: a zero row
        store<i32>(info, 0, 8);
      }
    }
    const panel = dst + <usize>(q * kc) * 4;
    if (wholeTapRows) {
      packTapRows(panel, kc, p0 / tapRow, tapRow, zeros, rows, tapRows);
      continue;
    }
    let p = p0;
    const end = p0 + kc;
    while (p < end) {
      const tap = p / gCin;
      const ci = p - tap * gCin;
      const len = gCin - ci < end - p ? gCin - ci : end - p;
      const kh = tap / gKW;
      const kw = tap - kh * gKW;
      const s0 = source(load<i32>(rows), load<i32>(rows, 4), load<i32>(rows, 8), kh, kw, ci, zeros);
      const s1 = source(load<i32>(rows, 12), load<i32>(rows, 16), load<i32>(rows, 20), kh, kw, ci, zeros);
      const s2 = source(load<i32>(rows, 24), load<i32>(rows, 28), load<i32>(rows, 32), kh, kw, ci, zeros);
      const s3 = source(load<i32>(rows, 36), load<i32>(rows, 40), load<i32>(rows, 44), kh, kw, ci, zeros);
      const s4 = source(load<i32>(rows, 48), load<i32>(rows, 52), load<i32>(rows, 56), kh, kw, ci, zeros);
      const s5 = source(load<i32>(rows, 60), load<i32>(rows, 64), load<i32>(rows, 68), kh, kw, ci, zeros);
      packSixRuns(panel + <usize>((p - p0) * MR) * 4, s0, s1, s2, s3, s4, s5, <usize>len * 4);
      p += len;
    }
  }
}

/**
 * `bytes` of each of six rows' contiguous runs s0…s5 (MR = 6) as packed-A steps from d on: four
 * columns at a time by a 6×4 vector transpose, the rest a column at a time.
 */
// @ts-ignore: decorator
@inline
function packSixRuns(d: usize, s0: usize, s1: usize, s2: usize, s3: usize, s4: usize, s5: usize, bytes: usize): void {
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    storeTransposed6x4(d, v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), v128.load(s4 + o), v128.load(s5 + o));
    d += 96;
  }
  for (; o < bytes; o += 4) {
    store<f32>(d, load<f32>(s0 + o));
    store<f32>(d, load<f32>(s1 + o), 4);
    store<f32>(d, load<f32>(s2 + o), 8);
    store<f32>(d, load<f32>(s3 + o), 12);
    store<f32>(d, load<f32>(s4 + o), 16);
    store<f32>(d, load<f32>(s5 + o), 20);
    d += 24;
  }
}

/**
 * One MR-row panel's filter rows [kh0, kh0 + kc/tapRow) (tapRow = KW·Cin columns each): for each row r,
 * its KW taps of filter row kh are one contiguous run of the image (or zeros, or — where some taps
 * fall in the left or right padding — a copy in `tapRows` with those taps zeroed), stored transposed
 * four columns at a time. For 3 channels this packs the first conv ~3× faster than tap by tap (six
 * address computations and 18 scalar copies for every 3 columns). The same values as the general path.
 */
function packTapRows(panel: usize, kc: i32, kh0: i32, tapRow: i32, zeros: usize, rows: usize, tapRows: usize): void {
  const rowBytes = <usize>tapRow * 4;
  const tapBytes = <usize>gCin * 4;
  for (let kh = kh0, col = 0; col < kc; kh++, col += tapRow) {
    // Where each of the MR rows' run starts, kept after the rows' corner info (rows + 72 + 4r).
    for (let r = 0; r < MR; r++) {
      const info = rows + <usize>(r * 12);
      const ih = load<i32>(info, 4) + kh;
      const iw = load<i32>(info, 8);
      let s = zeros;
      if (<u32>ih < <u32>gH) {
        const at = gX + <usize>(((load<i32>(info) + ih) * gW + iw) * gCin) * 4;
        if (iw >= 0 && iw + gKW <= gW) s = at;
        else {
          s = tapRows + <usize>r * <usize>TAP_ROW_MAX * 4;
          for (let kw = 0; kw < gKW; kw++) {
            const d = s + <usize>kw * tapBytes;
            if (<u32>(iw + kw) < <u32>gW) memory.copy(d, at + <usize>kw * tapBytes, tapBytes);
            else memory.fill(d, 0, tapBytes);
          }
        }
      }
      store<u32>(rows + <usize>(MR * 12 + r * 4), <u32>s);
    }
    const s0 = <usize>load<u32>(rows, MR * 12);
    const s1 = <usize>load<u32>(rows, MR * 12 + 4);
    const s2 = <usize>load<u32>(rows, MR * 12 + 8);
    const s3 = <usize>load<u32>(rows, MR * 12 + 12);
    const s4 = <usize>load<u32>(rows, MR * 12 + 16);
    const s5 = <usize>load<u32>(rows, MR * 12 + 20);
    packSixRuns(panel + <usize>(col * MR) * 4, s0, s1, s2, s3, s4, s5, rowBytes);
  }
}

/**
 * Packs im2col rows [m0, m0 + kc) × columns [j0, j0 + nc) *as the B operand* (depth = positions)
 * into NR-column panels (gemm.ts's layout): the filter gradient's dWᵀ = dyᵀ · im2col.
 */
export function packIm2colCols(kc: i32, nc: i32, m0: i32, j0: i32, dst: usize, zeros: usize): void {
  const perImage = gOH * gOW;
  for (let q = 0; q < nc; q += NR) {
    const nr = nc - q < NR ? nc - q : NR;
    const first = j0 + q;
    const tap = first / gCin;
    const ci = first - tap * gCin;
    const kh = tap / gKW;
    const kw = tap - kh * gKW;
    const panel = dst + <usize>(q * kc) * 4;
    // The position m0 as (image, oh, ow), then stepped along.
    const m = m0 + gPositionBase;
    let n = m / perImage;
    const rem = m - n * perImage;
    let oh = rem / gOW;
    let ow = rem - oh * gOW;
    let d = panel;
    if (nr == NR && ci + NR <= gCin) {
      // All eight columns are channels of one tap: two vector loads per position.
      for (let p = 0; p < kc; p++) {
        const s = source(n * gH, oh * gSH - gPadT, ow * gSW - gPadL, kh, kw, ci, zeros);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += NR * 4;
        if (++ow == gOW) { ow = 0; if (++oh == gOH) { oh = 0; n++; } }
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      for (let c = 0; c < NR; c++) {
        let v: f32 = 0;
        if (c < nr) {
          const col = first + c;
          const t = col / gCin;
          const cc = col - t * gCin;
          const th = t / gKW;
          v = load<f32>(source(n * gH, oh * gSH - gPadT, ow * gSW - gPadL, th, t - th * gKW, cc, zeros));
        }
        store<f32>(d + <usize>c * 4, v);
      }
      d += NR * 4;
      if (++ow == gOW) { ow = 0; if (++oh == gOH) { oh = 0; n++; } }
    }
  }
}
