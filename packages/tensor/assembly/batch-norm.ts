// BatchNorm over the rows of x [M, C] (the N·H·W positions of an NHWC activation), fused: the
// forward in three passes over the channel range instead of ~11 elementwise kernels, the backward
// in two instead of ~8. The per-channel sums are one job, a thread a range of channels (so every sum runs
// over the rows in order, the same for any thread count); the elementwise pass that writes y or dx is
// a second job, a thread a range of rows (each element's value does not depend on the split). Splitting
// that pass over channels as well gave each thread half of every 256-byte row of a 64-channel
// activation: 2 threads ran a CNN step's BatchNorms 3× slower than 1 (17 against 5.6 ms backward).
// x̂ is not stored: the backward recomputes it from x, μ and r with the same
// float operations (so the same bits), which spares the forward a [M, C] write (and the step the
// memory of one more activation per BatchNorm kept for the backward). The statistics walk x like
// reduce.ts's columnSums: 16 channels' sums in registers down an L2-sized block of rows, then the next
// 16 down the same block (with the sums kept in the [C] outputs and updated on every row, the forward
// of [32768, 64] took 1.5 ms on 1 thread, this way 1.2; AMD EPYC Zen 5). The gradient sums walk whole rows with dβ, dγ kept in the
// thread's own scratch and copied out at the end: kept in the outputs, two threads' channel ranges met
// in one 64-byte line updated by both on every row, and 2 threads ran [8192, 128] 3× slower than 1
// (strips in registers, as the statistics, measured slower here: three streams and a ReLU mask per
// vector). Walking 4-channel columns down all rows used 16 of each 64-byte line per pass and streamed an
// [N·H·W, 64] activation 16 times (17 ms of a CNN step, not faster on 2 threads than on 1). The float32 formulas are those of
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
import { columnSums, squaredDeviationSums } from './reduce';

/** Channels [c0, c1): mean, variance (biased), invStd [C] of x [M, C]. */
export function batchNormStats(x: usize, m: i32, c: i32, eps: f32, mean: usize, variance: usize, invStd: usize, c0: i32, c1: i32): void {
  const count = <f32>m;
  const v0 = <usize>c0 * 4;
  const vEnd = <usize>(c0 + ((c1 - c0) & ~3)) * 4; // whole vectors [v0, vEnd), single lanes after
  const end = <usize>c1 * 4;
  // Σx per channel, rows in order (reduce.ts: sums in registers down L2-sized row blocks).
  columnSums(x, m, c, mean, c0, c1, 0);
  let o = v0;
  for (; o < vEnd; o += 16) v128.store(mean + o, f32x4.div(v128.load(mean + o), f32x4.splat(count)));
  for (; o < end; o += 4) store<f32>(mean + o, load<f32>(mean + o) / count);
  // Σ(x − μ)² per channel, rows in order.
  squaredDeviationSums(x, m, c, mean, variance, c0, c1); // reduce.ts: the same walk
  o = v0;
  for (; o < vEnd; o += 16) {
    const v = f32x4.div(v128.load(variance + o), f32x4.splat(count));
    v128.store(variance + o, v);
    v128.store(invStd + o, f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v, f32x4.splat(eps)))));
  }
  for (; o < end; o += 4) {
    const v = load<f32>(variance + o) / count;
    store<f32>(variance + o, v);
    store<f32>(invStd + o, <f32>1 / Mathf.sqrt(v + eps));
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
 * Channels [c0, c1): dβ = Σdy, dγ = Σdy·x̂ [C] from dy, x [M, C] and mean, invStd [C] (x̂ recomputed as
 * the forward computed it); dy·s(o) for dy where `reluOut` (the ReLU's output [M, C]) is not 0.
 * The sums are kept in the thread's `scratch` (2·C floats) while the rows are walked, and copied out
 * at the end: kept in dβ and dγ themselves, the two threads' channel ranges met inside one 64-byte
 * line, updated by both on every row (2 threads ran [8192, 128] 3× slower than 1).
 */
export function batchNormGradSums(dy: usize, x: usize, m: i32, c: i32, mean: usize, invStd: usize, dGamma: usize, dBeta: usize, reluOut: usize, c0: i32, c1: i32, scratch: usize): void {
  const sumB = scratch;
  const sumG = scratch + <usize>c * 4;
  if (reluOut != 0) gradSumsRows(dy, x, m, c, mean, invStd, sumG, sumB, reluOut, true, c0, c1);
  else gradSumsRows(dy, x, m, c, mean, invStd, sumG, sumB, 0, false, c0, c1);
  const from = <usize>c0 * 4;
  const bytes = <usize>(c1 - c0) * 4;
  memory.copy(dBeta + from, sumB + from, bytes);
  memory.copy(dGamma + from, sumG + from, bytes);
}

// @ts-ignore: decorator
@inline
function gradSumsRows(dy: usize, x: usize, m: i32, c: i32, mean: usize, invStd: usize, dGamma: usize, dBeta: usize, reluOut: usize, relu: bool, c0: i32, c1: i32): void {
  const row = <usize>c * 4;
  const v0 = <usize>c0 * 4;
  const vEnd = <usize>(c0 + ((c1 - c0) & ~3)) * 4;
  const end = <usize>c1 * 4;
  memory.fill(dBeta + v0, 0, end - v0);
  memory.fill(dGamma + v0, 0, end - v0);
  // Rows in order.
  let off: usize = 0;
  for (let r = 0; r < m; r++, off += row) {
    let o = v0;
    for (; o < vEnd; o += 16) {
      const g = v128.load(dy + off + o);
      const d = relu ? reluGradLanes(g, v128.load(reluOut + off + o)) : g;
      const h = f32x4.mul(f32x4.sub(v128.load(x + off + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(dBeta + o, f32x4.add(v128.load(dBeta + o), d));
      v128.store(dGamma + o, f32x4.add(v128.load(dGamma + o), f32x4.mul(d, h)));
    }
    for (; o < end; o += 4) {
      const g = load<f32>(dy + off + o);
      const d = relu ? reluGradLane(g, load<f32>(reluOut + off + o)) : g;
      const h = (load<f32>(x + off + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      store<f32>(dBeta + o, load<f32>(dBeta + o) + d);
      store<f32>(dGamma + o, load<f32>(dGamma + o) + d * h);
    }
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
