// Convolutions on the engine (assembly/conv.ts): implicit GEMMs that pack im2col straight from the
// NHWC image. Each thread computes a block of the output (rows = output positions, or output
// channels, whichever gives more tiles), so results are the same bits for any thread count.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Engine } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import type { ConvGeometry } from './conv-geometry.js';
import { addressOf, free, run } from './wasm-ops.js';

const MR = 6; // assembly/blocking.ts
const NR = 8;
/** The engine's zero row (assembly/blocking.ts ZERO_FLOATS) bounds the channels it can pad. */
const MAX_CHANNELS = 4096;
/** Below this many multiply-adds a conv runs on the calling thread. */
const PARALLEL_MIN_FMAS = 1 << 18;

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
  engine.run('convFilterGradT', blocks(engine, g.outChannels, k, positions).map(([m0, m1, n0, n1], t) => [
    m0, m1, n0, n1, positions, ...geometry, dyAddress, g.outChannels, dwTAddress, engine.scratch[t]!,
  ]));
  const dw = run(backend, 'Transpose', { x: dwT }, { perm: [1, 0] });
  free(backend, dwT);
  const shaped = run(backend, 'Reshape', { x: dw }, { shape: [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels] });
  free(backend, dw);
  return shaped;
}
