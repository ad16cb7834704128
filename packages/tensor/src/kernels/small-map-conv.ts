// 3×3 stride-1 'same' convolutions on maps of at most 2×2 (the CNN's last two PreAct blocks: 512
// channels on 2×2) as GEMMs per tap, on the engine. On such a map every output sees the whole image:
// output o = (oy, ox) takes input i = (iy, ix) through tap (iy − oy + 1, ix − ox + 1), and the other
// taps of its window multiply padding. So
//   y[:, o]  = bias + Σ_i x[:, i] · W[tap(i, o)]        ([N, Cin] · [Cin, Cout] per pair)
//   dx[:, i] =        Σ_o dy[:, o] · W[tap(i, o)]ᵀ      ([N, Cout] · [Cout, Cin] per pair)
// — 16 pairs on a 2×2 map, 2·N·16·Cin·Cout flops: what Winograd F(2,3) multiplies there (one 4×4
// tile an image, 16 frequencies), without its filter, input and output transforms. The centre tap
// (i = o) is one GEMM over all N·H·W rows; the 12 other pairs one GEMM each over the N images.
// Measured against 'auto''s F(2,3) (AMD EPYC Zen 3, [32, 2, 2, 512], medians of 15 alternated calls,
// filter transform included): forward 13.3 → 8.8 ms on 2 threads, 24.9 → 16.6 on 1; input gradient
// 12.1 → 7.8 and 22.7 → 15.2. The filter gradient stays with F(2,3): as GEMMs per tap its depth is
// N (32), which the 6×8 microkernel runs slower (13.7 against 11.5 ms on 2 threads).
//
// Each output element is one fixed chain — bias, the centre tap, then the other pairs in order, each
// a GEMM whose sums run over the depth in order (gemm.ts) — so the bits do not depend on the thread
// count. The numerics are a direct convolution's (no transform constants).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Engine } from '../engine/engine.js';
import { gemm, type Operand } from '../engine/engine-ops.js';
import type { ConvGeometry } from './conv-geometry.js';
import { getWinogradMode, winogradApplies, type ConvPass } from './winograd.js';
import { addressOf } from './wasm-ops.js';

/** Below this many input or output channels the implicit GEMM (im2col) is left to run, as for Winograd. */
const MIN_CHANNELS = 16;

/** Whether `g` is a 3×3 stride-1 'same' conv on a map of at most 2×2. */
export function smallMapApplies(g: ConvGeometry): boolean {
  return winogradApplies(g) && g.inHeight <= 2 && g.inWidth <= 2;
}

/**
 * Whether the conv pass runs as per-tap GEMMs: in Winograd mode 'auto' (the modes F2, F4 and off
 * keep their meaning: Winograd or im2col everywhere), on maps of at most 2×2, for the forward and the
 * input gradient.
 */
export function smallMapChosen(pass: ConvPass, g: ConvGeometry): boolean {
  return getWinogradMode() === 'auto' && pass !== 'filterGrad' && smallMapApplies(g) && Math.min(g.inChannels, g.outChannels) >= MIN_CHANNELS;
}

/** The tap that carries input position i to output position o (positions row-major on a w-wide map). */
function tapOf(i: number, o: number, w: number): number {
  const dy = Math.floor(i / w) - Math.floor(o / w);
  const dx = (i % w) - (o % w);
  return (dy + 1) * 3 + dx + 1;
}

function check(g: ConvGeometry, op: string): void {
  if (!smallMapApplies(g)) {
    throw new Error(`${op}: needs a 3×3 stride-1 conv with padding 1 on a map of at most 2×2, got a ${g.filterHeight}×${g.filterWidth} filter on ${g.inHeight}×${g.inWidth}`);
  }
}

/**
 * out[:, p] (+)= Σ_q in[:, q] · tapB(q, p) over the map's positions p, q (row-major), in
 * [N, H, W, k] and out [N, H, W, cols] by address: the centre tap (q = p) one GEMM over all N·H·W rows
 * (accumulating into out when `accumulate`, else writing it), then each pair q ≠ p one GEMM over the N
 * images, in order — the fixed chain every output element is summed in.
 */
function perTapGemms(engine: Engine, n: number, positions: number, k: number, cols: number, input: number, output: number, tapB: (q: number, p: number) => Operand, accumulate: boolean): void {
  gemm(engine, n * positions, cols, k, { address: input, rowStride: k, colStride: 1 }, tapB(0, 0), output, cols, accumulate);
  for (let p = 0; p < positions; p++) {
    for (let q = 0; q < positions; q++) {
      if (q === p) continue;
      gemm(engine, n, cols, k, { address: input + 4 * q * k, rowStride: positions * k, colStride: 1 }, tapB(q, p), output + 4 * p * cols, positions * cols, true);
    }
  }
}

/** y [N, H, W, Cout] = conv(x [N, H, W, Cin], filter [3, 3, Cin, Cout]) + bias [Cout], H, W ≤ 2. */
export function smallMapConvForward(engine: Engine, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, g: ConvGeometry): TensorInfo {
  check(g, 'smallMapConvForward');
  const { batch: n, inChannels: cin, outChannels: cout } = g;
  const positions = g.inHeight * g.inWidth;
  const y = backend.makeOutput([n, g.inHeight, g.inWidth, cout], 'float32');
  if (bias != null) {
    // The bias starts each sum (as the engine's other convs and XNNPACK do).
    const rows = backend.typedArrayFromHeap(y) as Float32Array;
    const b = backend.typedArrayFromHeap(bias) as Float32Array;
    for (let r = 0; r < n * positions; r++) rows.set(b, r * cout);
  }
  const wa = addressOf(backend, filter);
  // Input q reaches output p through W[tap(q, p)]: [Cin, Cout], row-major.
  const tapB = (q: number, p: number): Operand => ({ address: wa + 4 * tapOf(q, p, g.inWidth) * cin * cout, rowStride: cout, colStride: 1 });
  perTapGemms(engine, n, positions, cin, cout, addressOf(backend, x), addressOf(backend, y), tapB, bias != null);
  return y;
}

/** dx [N, H, W, Cin] of y = conv(x, filter [3, 3, Cin, Cout]) from dy [N, H, W, Cout], H, W ≤ 2. */
export function smallMapConvInputGrad(engine: Engine, backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  check(g, 'smallMapConvInputGrad');
  const { batch: n, inChannels: cin, outChannels: cout } = g;
  const positions = g.inHeight * g.inWidth;
  const dx = backend.makeOutput([n, g.inHeight, g.inWidth, cin], 'float32');
  const wa = addressOf(backend, filter);
  // dy at output q reaches input p through W[tap(p, q)]ᵀ: [Cout, Cin], element (co, ci) at W[t][ci][co].
  const tapB = (q: number, p: number): Operand => ({ address: wa + 4 * tapOf(p, q, g.inWidth) * cin * cout, rowStride: 1, colStride: cout });
  perTapGemms(engine, n, positions, cout, cin, addressOf(backend, dy), addressOf(backend, dx), tapB, false);
  return dx;
}
