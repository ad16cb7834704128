// BatchNorm over the rows of x [M, C] (the N·H·W positions of an NHWC activation), fused: the
// forward in three passes instead of ~11 elementwise kernels, the backward in two instead of ~8.
// The per-channel sums are jobs over blocks of rows (below), the elementwise pass that writes y or dx
// a job over ranges of rows (each element's value does not depend on the split). Splitting that
// pass over channels gave each thread half of every 256-byte row of a 64-channel activation: 2
// threads ran a CNN step's BatchNorms 3× slower than 1 (17 against 5.6 ms backward).
// x̂ is not stored: the backward recomputes it from x, μ and r with the same float operations (so
// the same bits), which spares the forward a [M, C] write (and the step the memory of one more
// activation per BatchNorm kept for the backward). The float32 formulas are those of
// @backprop/layers' BatchNorm (Ioffe & Szegedy's closed-form backward):
//   μ = Σx/M,  σ² = Σ(x−μ)²/M,  r = 1/√(σ²+ε),  x̂ = (x−μ)·r,  y = x̂·γ + β
//   dβ = Σdy,  dγ = Σdy·x̂,  dx = (dy·M − dβ − x̂·dγ) · (γ·r/M)
// With a ReLU after it (a pre-activation block's BN → ReLU), the forward writes max(y, 0) instead of
// y (f32x4.max: NaN stays NaN, −0 becomes +0, as Math.max(0, y)), and the backward takes the ReLU's
// output o and uses dy·s(o) for dy, s = 1 where o > 0, NaN where o is NaN, else 0: the values of
// tfjs's ReLU gradient dy·cast(step(y)) (relu-grad.ts): the values of BatchNorm, tfjs-backend-cpu's Relu
// and their two gradients one after the other, without writing y and the ReLU's dy.

// ReLU's gradient through its output o (o > 0: dy; o NaN: NaN; else dy·0): relu-grad.ts's, the same rule
// on the output as on the input.
import { reluGradLane, reluGradLanes } from './relu-grad';

// The per-channel sums (μ, σ², dβ, dγ) go by blocks of rows, in float64: each block's sums are one
// float64 chain down its rows (the statistics in 8-channel strips in registers, the gradient sums a
// whole row at a time), the blocks split between the threads, then the block sums added in block
// order (…FromBlocks). Rows per block follow from C alone (the caller's choice), so the bits are the
// same on any number of threads. Split by channels instead (each sum one float32 chain over all
// rows), two threads read halves of the same rows and each core's prefetcher pulled in the other's
// lines: 2 threads ran the backward slower than 1 (20.7 against 14.4 ms of a CNN step, AMD EPYC Zen 3).
// Blocked float32 sums scaled, but moved the ConvNet's train-mode gradients 4.7e-3 away from
// PyTorch's, which accumulates BatchNorm's sums in double; in float64 they came closer than the one
// float32 chain had been (worst gradient 1.3e-4 → 8.0e-5 with im2col convs, 8.0e-5 → 3.9e-5 with
// Winograd; layers torch-parity).

/**
 * Blocks [b0, b1) of `blockRows` rows of x [M, C]: partials[b·C + j] (f64) = Σ x[r, j] over the
 * block's rows where `mean` is 0, else Σ f32(x[r, j] − μ[j])² (each square a float32, as PyTorch's).
 */
export function batchNormStatsBlocks(x: usize, m: i32, c: i32, blockRows: i32, mean: usize, partials: usize, b0: i32, b1: i32): void {
  if (mean == 0) statsBlocks(x, m, c, blockRows, 0, partials, false, b0, b1);
  else statsBlocks(x, m, c, blockRows, mean, partials, true, b0, b1);
}

// @ts-ignore: decorator
@inline
function statsBlocks(x: usize, m: i32, c: i32, blockRows: i32, mean: usize, partials: usize, squared: bool, b0: i32, b1: i32): void {
  const row = <usize>c * 4;
  for (let b = b0; b < b1; b++) {
    const r0 = b * blockRows;
    const n = m - r0 < blockRows ? m - r0 : blockRows;
    const block = x + <usize>r0 * row;
    const out = partials + <usize>(b * c) * 8;
    let j = 0;
    // 8 channels (four float64 sums) a strip; 10–25% faster than 4 where the rows are in L2.
    for (; j + 8 <= c; j += 8) {
      const u0 = squared ? v128.load(mean + <usize>j * 4) : f32x4.splat(0);
      const u1 = squared ? v128.load(mean + <usize>j * 4, 16) : f32x4.splat(0);
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
      let p = block + <usize>j * 4;
      for (let r = 0; r < n; r++, p += row) {
        let v = v128.load(p);
        let w = v128.load(p, 16);
        if (squared) {
          v = f32x4.sub(v, u0);
          v = f32x4.mul(v, v);
          w = f32x4.sub(w, u1);
          w = f32x4.mul(w, w);
        }
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(w));
        s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 2, 3)));
      }
      v128.store(out + <usize>j * 8, s0);
      v128.store(out + <usize>j * 8, s1, 16);
      v128.store(out + <usize>j * 8, s2, 32);
      v128.store(out + <usize>j * 8, s3, 48);
    }
    for (; j + 4 <= c; j += 4) {
      const u = squared ? v128.load(mean + <usize>j * 4) : f32x4.splat(0);
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      let p = block + <usize>j * 4;
      for (let r = 0; r < n; r++, p += row) {
        let v = v128.load(p);
        if (squared) {
          v = f32x4.sub(v, u);
          v = f32x4.mul(v, v);
        }
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
      }
      v128.store(out + <usize>j * 8, s0);
      v128.store(out + <usize>j * 8, s1, 16);
    }
    for (; j < c; j++) {
      const u = squared ? load<f32>(mean + <usize>j * 4) : <f32>0;
      let s: f64 = 0;
      let p = block + <usize>j * 4;
      for (let r = 0; r < n; r++, p += row) {
        let v = load<f32>(p);
        if (squared) {
          v = v - u;
          v = v * v;
        }
        s += <f64>v;
      }
      store<f64>(out + <usize>j * 8, s);
    }
  }
}

/** Σ_b of column j of `blocks` rows of `width` float64 block sums, in block order. */
// @ts-ignore: decorator
@inline
function blockTotal(partials: usize, blocks: i32, width: i32, j: i32): f64 {
  let t: f64 = 0;
  let p = partials + <usize>j * 8;
  const step = <usize>width * 8;
  for (let b = 0; b < blocks; b++, p += step) t += load<f64>(p);
  return t;
}

/** μ [C] = f32(Σ_b partials[b] / M): pass 1's block sums (batchNormStatsBlocks) in block order. */
export function batchNormMeanFromBlocks(partials: usize, blocks: i32, m: i32, c: i32, mean: usize): void {
  for (let j = 0; j < c; j++) store<f32>(mean + <usize>j * 4, <f32>(blockTotal(partials, blocks, c, j) / <f64>m));
}

/** σ² [C] = f32(v), invStd [C] = f32(1/√(v + ε)), v = Σ_b partials[b] / M in float64 (pass 2's block sums), as PyTorch. */
export function batchNormVarianceFromBlocks(partials: usize, blocks: i32, m: i32, c: i32, eps: f64, variance: usize, invStd: usize): void {
  for (let j = 0; j < c; j++) {
    const v = blockTotal(partials, blocks, c, j) / <f64>m;
    store<f32>(variance + <usize>j * 4, <f32>v);
    store<f32>(invStd + <usize>j * 4, <f32>(1 / Math.sqrt(v + eps)));
  }
}

/** Rows [r0, r1): y = x̂·γ + β with x̂ = (x − μ)·r, or max(y, 0) where relu ≠ 0. */
export function batchNormNormalize(x: usize, c: i32, gamma: usize, beta: usize, mean: usize, invStd: usize, y: usize, relu: i32, r0: i32, r1: i32): void {
  // Two copies of the loop, the flag a constant in each: no per-element test.
  if (relu != 0) normalizeRows(x, c, gamma, beta, mean, invStd, y, true, r0, r1);
  else normalizeRows(x, c, gamma, beta, mean, invStd, y, false, r0, r1);
}

// @ts-ignore: decorator
@inline
function normalizeRows(x: usize, c: i32, gamma: usize, beta: usize, mean: usize, invStd: usize, y: usize, relu: bool, r0: i32, r1: i32): void {
  const row = <usize>c * 4;
  const vEnd = <usize>(c & ~3) * 4;
  const end = <usize>c * 4;
  let o: usize = 0;
  // x̂ = (x − μ)·r,  y = x̂·γ + β.
  let off = <usize>r0 * row;
  for (let r = r0; r < r1; r++, off += row) {
    o = 0;
    for (; o < vEnd; o += 16) {
      const h = f32x4.mul(f32x4.sub(v128.load(x + off + o), v128.load(mean + o)), v128.load(invStd + o));
      const v = f32x4.add(f32x4.mul(h, v128.load(gamma + o)), v128.load(beta + o));
      v128.store(y + off + o, relu ? f32x4.max(v, f32x4.splat(0)) : v);
    }
    for (; o < end; o += 4) {
      const h = (load<f32>(x + off + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      const v = f32x4.splat(h * load<f32>(gamma + o) + load<f32>(beta + o));
      store<f32>(y + off + o, f32x4.extract_lane(relu ? f32x4.max(v, f32x4.splat(0)) : v, 0));
    }
  }
}

/**
 * Blocks [b0, b1) of `blockRows` rows: partials[b·2C + j] = Σ d and partials[b·2C + C + j] = Σ f32(d·x̂)
 * (f64 sums down the block's rows) from dy, x [M, C] and mean, invStd [C], x̂ recomputed as the forward
 * computed it; d = dy·s(o) where `reluOut` (the ReLU's output [M, C]) is not 0, else dy. Whole rows
 * at a time, the block's sums in `partials` (L1) updated on every row: three streams and a ReLU mask
 * a vector leave no registers for 4-channel strips' sums to stay in more than one vector wide, and
 * the strips (x, dy and o re-read from L2 for each) took 1.7–2× as long (10.5–12.3 against 5.5–7.0
 * ms for [32768, 64] on 1 thread, alternated call by call; AMD EPYC Zen 3).
 */
export function batchNormGradBlocks(dy: usize, x: usize, m: i32, c: i32, mean: usize, invStd: usize, reluOut: usize, blockRows: i32, partials: usize, b0: i32, b1: i32): void {
  if (reluOut != 0) gradBlocks(dy, x, m, c, mean, invStd, reluOut, true, blockRows, partials, b0, b1);
  else gradBlocks(dy, x, m, c, mean, invStd, 0, false, blockRows, partials, b0, b1);
}

// @ts-ignore: decorator
@inline
function gradBlocks(dy: usize, x: usize, m: i32, c: i32, mean: usize, invStd: usize, reluOut: usize, relu: bool, blockRows: i32, partials: usize, b0: i32, b1: i32): void {
  const row = <usize>c * 4;
  const vEnd = <usize>(c & ~3) * 4;
  const end = <usize>c * 4;
  for (let b = b0; b < b1; b++) {
    const r0 = b * blockRows;
    const n = m - r0 < blockRows ? m - r0 : blockRows;
    const sumB = partials + <usize>(b * 2 * c) * 8;
    const sumG = sumB + <usize>c * 8;
    memory.fill(sumB, 0, <usize>c * 16);
    let off = <usize>r0 * row;
    for (let i = 0; i < n; i++, off += row) {
      let q: usize = 0;
      for (; q < vEnd; q += 16) {
        const g = v128.load(dy + off + q);
        const d = relu ? reluGradLanes(g, v128.load(reluOut + off + q)) : g;
        const dh = f32x4.mul(d, f32x4.mul(f32x4.sub(v128.load(x + off + q), v128.load(mean + q)), v128.load(invStd + q)));
        const pb = sumB + q * 2, pg = sumG + q * 2;
        v128.store(pb, f64x2.add(v128.load(pb), f64x2.promote_low_f32x4(d)));
        v128.store(pb, f64x2.add(v128.load(pb, 16), f64x2.promote_low_f32x4(i32x4.shuffle(d, d, 2, 3, 2, 3))), 16);
        v128.store(pg, f64x2.add(v128.load(pg), f64x2.promote_low_f32x4(dh)));
        v128.store(pg, f64x2.add(v128.load(pg, 16), f64x2.promote_low_f32x4(i32x4.shuffle(dh, dh, 2, 3, 2, 3))), 16);
      }
      for (; q < end; q += 4) {
        const g = load<f32>(dy + off + q);
        const d = relu ? reluGradLane(g, load<f32>(reluOut + off + q)) : g;
        const h: f32 = (load<f32>(x + off + q) - load<f32>(mean + q)) * load<f32>(invStd + q);
        store<f64>(sumB + q * 2, load<f64>(sumB + q * 2) + <f64>d);
        store<f64>(sumG + q * 2, load<f64>(sumG + q * 2) + <f64>(d * h));
      }
    }
  }
}

/** dβ, dγ [C] = f32 of batchNormGradBlocks' block sums added in block order (float64). */
export function batchNormGradFromBlocks(partials: usize, blocks: i32, c: i32, dGamma: usize, dBeta: usize): void {
  for (let j = 0; j < c; j++) {
    store<f32>(dBeta + <usize>j * 4, <f32>blockTotal(partials, blocks, 2 * c, j));
    store<f32>(dGamma + <usize>j * 4, <f32>blockTotal(partials, blocks, 2 * c, c + j));
  }
}

/**
 * Rows [r0, r1): dx = (dy·M − dβ − x̂·dγ)·k with k = γ·r/M, from dy, x [M, C] and γ, mean, invStd,
 * dγ, dβ [C]; dy·s(o) for dy where `reluOut` is not 0. `scratch`: C floats for k (each thread
 * computes its own copy: C divisions).
 */
export function batchNormInputGrad(
  dy: usize, x: usize, m: i32, c: i32, gamma: usize, mean: usize, invStd: usize, dGamma: usize, dBeta: usize,
  dx: usize, reluOut: usize, r0: i32, r1: i32, scratch: usize,
): void {
  const count = <f32>m;
  const vEnd = <usize>(c & ~3) * 4;
  const end = <usize>c * 4;
  const k = scratch;
  let o: usize = 0;
  for (; o < vEnd; o += 16) v128.store(k + o, f32x4.div(f32x4.mul(v128.load(gamma + o), v128.load(invStd + o)), f32x4.splat(count)));
  for (; o < end; o += 4) store<f32>(k + o, (load<f32>(gamma + o) * load<f32>(invStd + o)) / count);
  if (reluOut != 0) inputGradRows(dy, x, m, c, mean, invStd, dGamma, dBeta, dx, reluOut, true, r0, r1, k);
  else inputGradRows(dy, x, m, c, mean, invStd, dGamma, dBeta, dx, 0, false, r0, r1, k);
}

// @ts-ignore: decorator
@inline
function inputGradRows(
  dy: usize, x: usize, m: i32, c: i32, mean: usize, invStd: usize, dGamma: usize, dBeta: usize,
  dx: usize, reluOut: usize, relu: bool, r0: i32, r1: i32, k: usize,
): void {
  const row = <usize>c * 4;
  const count = <f32>m;
  const vEnd = <usize>(c & ~3) * 4;
  const end = <usize>c * 4;
  const mm = f32x4.splat(count);
  let off = <usize>r0 * row;
  for (let r = r0; r < r1; r++, off += row) {
    let o: usize = 0;
    for (; o < vEnd; o += 16) {
      const h = f32x4.mul(f32x4.sub(v128.load(x + off + o), v128.load(mean + o)), v128.load(invStd + o));
      const g = v128.load(dy + off + o);
      const d = relu ? reluGradLanes(g, v128.load(reluOut + off + o)) : g;
      const t = f32x4.sub(f32x4.sub(f32x4.mul(d, mm), v128.load(dBeta + o)), f32x4.mul(h, v128.load(dGamma + o)));
      v128.store(dx + off + o, f32x4.mul(t, v128.load(k + o)));
    }
    for (; o < end; o += 4) {
      const h = (load<f32>(x + off + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      const g = load<f32>(dy + off + o);
      const d = relu ? reluGradLane(g, load<f32>(reluOut + off + o)) : g;
      store<f32>(dx + off + o, ((d * count - load<f32>(dBeta + o)) - h * load<f32>(dGamma + o)) * load<f32>(k + o));
    }
  }
}
