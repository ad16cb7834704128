// Convolutions on the engine (assembly/conv.ts): implicit GEMMs that pack im2col straight from the
// NHWC image. Each thread computes a block of the output (rows = output positions, or output
// channels, whichever gives more tiles), so results are the same bits for any thread count.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Engine } from '../engine/engine.js';
import { columnSums, splitRange } from '../engine/engine-ops.js';
import type { ConvGeometry } from './conv-geometry.js';
import { addressOf, free, heap, run } from './wasm-ops.js';

const MR = 6; // assembly/blocking.ts
const NR = 8;
/** The engine's zero row (assembly/blocking.ts ZERO_FLOATS) bounds the channels it can pad. */
const MAX_CHANNELS = 4096;
/** Below this many multiply-adds a conv runs on the calling thread. */
const PARALLEL_MIN_FMAS = 1 << 18;

/**
 * Filter gradients over at least this many positions, of at most CHUNKED_MAX_OUTPUTS weights, are
 * summed in chunks of CHUNK_POSITIONS positions (a multiple of the GEMM's depth block, 256): the
 * CNN's first conv (3 → 64 on 32×32, batch 32) and its 1×1 convs on 32×32 and 16×16 images. Split
 * over dW's tiles, each thread packed the whole of one operand: 2 threads ran them only 1.1–1.6× faster
 * than 1 where the rest of the step scales 1.9×.
 */
const CHUNKED_MIN_POSITIONS = 8192;
const CHUNK_POSITIONS = 2048;
const CHUNKED_MAX_OUTPUTS = 1 << 16;

/** Whether the engine's convolutions take this geometry (else the caller keeps its XNNPACK path). */
export const engineConvApplies = (g: ConvGeometry): boolean => !g.dilated && g.inChannels <= MAX_CHANNELS;

const geometryArgs = (x: number, g: ConvGeometry): number[] => [
  x, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth,
  g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
];

/** Output blocks, one per thread: split rows by MR or columns by NR, whichever side has more tiles. */
function blocks(engine: Engine, rows: number, cols: number, depth: number): Array<[number, number, number, number]> {
  const threads = rows * cols * depth < PARALLEL_MIN_FMAS ? 1 : engine.threads;
  if (Math.ceil(rows / MR) >= Math.ceil(cols / NR)) return splitRange(rows, threads, MR).map(([a, b]) => [a, b, 0, cols]);
  return splitRange(cols, threads, NR).map(([a, b]) => [0, rows, a, b]);
}

/** y [N, OH, OW, Cout] = conv(x, filter [KH, KW, Cin, Cout]) + bias. */
export function engineConvForward(engine: Engine, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, g: ConvGeometry): TensorInfo {
  const y = backend.makeOutput([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  const m = g.batch * g.outHeight * g.outWidth;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const geometry = geometryArgs(addressOf(backend, x), g);
  const filterAddress = addressOf(backend, filter);
  const biasAddress = bias == null ? 0 : addressOf(backend, bias);
  const yAddress = addressOf(backend, y);
  engine.run('convForward', blocks(engine, m, g.outChannels, k).map(([m0, m1, n0, n1], t) => [
    m0, m1, n0, n1, ...geometry, filterAddress, g.outChannels, biasAddress, yAddress, engine.scratch[t]!,
  ]));
  return y;
}

/** dW [KH, KW, Cin, Cout] = Σ over positions of im2col(x)ᵀ · dy, computed as dWᵀ then transposed. */
export function engineConvFilterGrad(engine: Engine, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const positions = g.batch * g.outHeight * g.outWidth;
  const dwT = backend.makeOutput([g.outChannels, k], 'float32');
  const geometry = geometryArgs(addressOf(backend, x), g);
  const dyAddress = addressOf(backend, dy);
  const dwTAddress = addressOf(backend, dwT);
  if (positions >= CHUNKED_MIN_POSITIONS && g.outChannels * k <= CHUNKED_MAX_OUTPUTS) {
    // Chunks of positions, each one thread's partial dWᵀ (assembly/conv.ts), added in chunk order.
    const chunks = Math.ceil(positions / CHUNK_POSITIONS);
    const plane = g.outChannels * k;
    const partials = heap(backend)._malloc(chunks * plane * 4);
    const next = engine.freshCounter();
    engine.run('convFilterGradTChunks', Array.from({ length: engine.threads }, (_, t) => [
      next, chunks, CHUNK_POSITIONS, positions, ...geometry, dyAddress, g.outChannels, partials, engine.scratch[t]!,
    ]));
    // dWᵀ = Σ_q partials[q]: the column sums of the partials as a [chunks, Cout·K] matrix, rows in order.
    columnSums(engine, partials, chunks, plane, dwTAddress);
    heap(backend)._free(partials);
  } else {
    engine.run('convFilterGradT', blocks(engine, g.outChannels, k, positions).map(([m0, m1, n0, n1], t) => [
      m0, m1, n0, n1, positions, ...geometry, dyAddress, g.outChannels, dwTAddress, engine.scratch[t]!,
    ]));
  }
  const dw = run(backend, 'Transpose', { x: dwT }, { perm: [1, 0] });
  free(backend, dwT);
  const shaped = run(backend, 'Reshape', { x: dw }, { shape: [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels] });
  free(backend, dw);
  return shaped;
}
