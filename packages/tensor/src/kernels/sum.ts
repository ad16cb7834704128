// Sum over every axis but the last (column sums of [rows, C]): BatchNorm's statistics and
// gradients and every bias gradient. The stock WASM kernel transposes the whole tensor first so
// that the reduced axes are innermost; the engine sums in one pass where the tensor lies. Any
// other reduction goes to the stock kernel.
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { columnSums } from '../engine/engine-ops.js';
import { addressOf, run } from './wasm-ops.js';
import { shapeSize } from '../checks.js';

const OP = 'Sum';

const sum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const engine = engineFor(wasm);
  const rank = x.shape.length;
  const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
  if (engine == null || x.dtype !== 'float32' || !leading) return run(wasm, OP, inputs, attrs);
  const cols = x.shape[rank - 1]!;
  const rows = shapeSize(x.shape.slice(0, -1));
  const out = wasm.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols], 'float32');
  columnSums(engine, addressOf(wasm, x), rows, cols, addressOf(wasm, out));
  return out;
};

export const sumConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: sum,
};
