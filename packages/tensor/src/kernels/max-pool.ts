// MaxPool (NHWC, float32) on the engine (assembly/max-pool.ts): output rows split over the threads,
// four channels per f32x4.pmax. With the engine's pool holding the threads, the stock kernel
// (XNNPACK) runs on one. Same values as tfjs-backend-cpu, bit for bit: start at −∞ and take a value
// only if greater (NaN never wins; XNNPACK gives −∞ for a window [NaN, 1]), and a 1×1 window of
// stride 1 returns the input unchanged as tfjs-backend-cpu's identity does.
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { shape4 } from './conv-geometry.js';
import { poolTableBytes } from './max-pool-grad.js';
import { addressOf, run } from './wasm-ops.js';
import { shapeSize } from '../checks.js';

const OP = 'MaxPool';

const maxPool: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const engine = engineFor(wasm);
  if (engine == null || x.dtype !== 'float32') return run(wasm, OP, inputs, attrs);
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(shape4(x, 'x', OP), filterSize, strides, 1, pad, dimRoundingMode);
  // The scratch holds the window's position table.
  if (poolTableBytes(info.filterHeight, info.filterWidth) > engine.scratchBytes) return run(wasm, OP, inputs, attrs);
  const out = wasm.makeOutput(info.outShape, 'float32');
  const size = shapeSize(info.outShape);
  if (size === 0) return out;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  if (filterHeight === 1 && filterWidth === 1 && outHeight === inHeight && outWidth === inWidth) {
    (wasm.typedArrayFromHeap(out) as Float32Array).set(wasm.typedArrayFromHeap(x) as Float32Array);
    return out;
  }
  const args = [addressOf(wasm, x), addressOf(wasm, out), batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, info.padInfo.top, info.padInfo.left];
  const threads = shapeSize(x.shape) < 1 << 16 ? 1 : engine.threads;
  engine.run('maxPool', splitRange(batchSize * outHeight, threads, 1).map(([r0, r1], t) => [...args, engine.scratch[t]!, r0, r1]));
  return out;
};

export const maxPoolConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: maxPool,
};
