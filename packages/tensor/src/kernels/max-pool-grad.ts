// MaxPoolGrad for WASM. The stock kernel is wrong when every value of a pooling window is
// negative (it routes the gradient to index 0 or drops it) and slow (~35× the forward pool).
// This one scans each window of the NHWC input from heap views, picks the first maximum
// among the real (unpadded) positions — tfjs-backend-cpu's rule — and adds dy there.
// On the engine: assembly/pool.ts's maxPoolGrad (zero fill, then a read-modify-write per window),
// and three faster kernels with the same bits (maxPoolGradPath picks one):
//  - 'tiles' (assembly/max-pool-grad.ts) for windows that do not overlap (2×2 stride 2): each dx
//    element written once;
//  - 'gather' (assembly/max-pool-grad-gather.ts) for overlapping ones (the CNN's 3/2/1): an image's
//    winners into the scratch, then each dx element written once, four channels at a time;
//  - 'scatter' (assembly/max-pool-grad.ts) for overlapping windows whose image's winners do not fit
//    a thread's scratch: zero each image, then a scalar read-modify-write per window and channel.
// maxPoolGrad remains for windows and channels whose position table and one window's winners do
// not fit a thread's scratch.
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { shape4 } from './conv-geometry.js';
import { addressOf } from './wasm-ops.js';
import { shapeSize, shapeStr } from '../checks.js';

const OP = 'MaxPoolGrad';

let fastPaths = true;
let gather = true;

/** Switches the engine's one-write paths off (the general read-modify-write kernel only), for tests and comparisons. */
export function setMaxPoolGradFastPaths(on: boolean): void {
  fastPaths = on;
}

/** Switches the gather path off (overlapping windows take the scatter), for tests and comparisons. */
export function setMaxPoolGradGather(on: boolean): void {
  gather = on;
}

/** Bytes of the window-position table at the start of a pool kernel's scratch (assembly/pool-window.ts). */
export const poolTableBytes = (fh: number, fw: number): number => Math.ceil((Math.max(fh * fw, 9) * 4) / 64) * 64;

const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * Scratch bytes of the gather path (assembly/max-pool-grad-gather.ts): the position table, one
 * pixel's window list (8 bytes a window), the image's winners (oh·ow·c i32), 63 bytes of alignment
 * and the stand-in window's c winners.
 */
export function gatherScratchBytes(info: backend_util.Conv2DInfo): number {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const windowsPerPixel = Math.ceil(fh / sh) * Math.ceil(fw / sw);
  return poolTableBytes(fh, fw) + align64(8 * windowsPerPixel) + 4 * oh * ow * c + 63 + 4 * c;
}

export type MaxPoolGradPath = 'tiles' | 'gather' | 'scatter' | 'general';

/** Which engine kernel computes a MaxPoolGrad of this geometry, given each thread's scratch bytes (assembly/max-pool-grad*.ts). */
export function maxPoolGradPath(info: backend_util.Conv2DInfo, scratchBytes: number): MaxPoolGradPath {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, inChannels: c } = info;
  // Tiles and scatter: the window's position table and its winners (c i32, 64-byte aligned).
  if (!fastPaths || poolTableBytes(fh, fw) + 63 + 4 * c > scratchBytes) return 'general';
  if (sh >= fh && sw >= fw) return 'tiles';
  return gather && gatherScratchBytes(info) <= scratchBytes ? 'gather' : 'scatter';
}

const FAST_KERNELS = { tiles: 'maxPoolGradTiles', gather: 'maxPoolGradGather', scatter: 'maxPoolGradScatter' } as const;

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(shape4(input, 'input', OP), filterSize, strides, 1, pad, dimRoundingMode);
  const dyShape = shape4(dy, 'dy', OP);
  if (dyShape[1] !== info.outHeight || dyShape[2] !== info.outWidth || dyShape[3] !== info.outChannels) {
    throw new Error(`${OP}: dy must have shape [${info.batchSize}, ${info.outHeight}, ${info.outWidth}, ${info.outChannels}], got ${shapeStr(dyShape)}`);
  }
  const out = wasm.makeOutput([...input.shape], 'float32');
  const engine = engineFor(wasm);
  if (engine != null && input.dtype === 'float32' && dy.dtype === 'float32') {
    // The same rule, four channels at a time; each thread a range of images (assembly/pool.ts).
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const args = [addressOf(wasm, input), addressOf(wasm, dy), addressOf(wasm, out), batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, info.padInfo.top, info.padInfo.left];
    const threads = shapeSize(input.shape) < 1 << 16 ? 1 : engine.threads;
    const ranges = splitRange(batchSize, threads, 1);
    const path = maxPoolGradPath(info, engine.scratchBytes);
    if (path === 'general') engine.run('maxPoolGrad', ranges.map(([b0, b1]) => [...args, b0, b1]));
    else engine.run(FAST_KERNELS[path], ranges.map(([b0, b1], t) => [...args, engine.scratch[t]!, b0, b1]));
    return out;
  }
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  let gi = 0;
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - top;
      const hStart = Math.max(0, h0);
      const hEnd = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - left;
        const wStart = Math.max(0, w0);
        const wEnd = Math.min(inWidth, w0 + filterWidth);
        for (let ch = 0; ch < c; ch++, gi++) {
          let best = -Infinity;
          let at = -1;
          for (let h = hStart; h < hEnd; h++) {
            let idx = image + (h * inWidth + wStart) * c + ch;
            for (let w = wStart; w < wEnd; w++, idx += c) {
              const v = x[idx]!;
              if (v > best || at < 0) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + g[gi]!;
        }
      }
    }
  }
  return out;
};

export const maxPoolGradConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
