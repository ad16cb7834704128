// Maximum and Minimum of float32 tensors on the engine when one operand is a single value (ReLU's
// max(x, 0), ELU's min(x, 0)) or both have the same shape: one SIMD pass (assembly/elementwise.ts)
// instead of the stock kernel's generic broadcasting loop (~8 ns an element, 170 µs for the manual
// MLP's [200, 100] ELU). Any other broadcast and other dtypes go to the stock kernel.
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf, run } from './wasm-ops.js';
import { shapeSize } from '../checks.js';

function minMax(op: 'Maximum' | 'Minimum'): KernelFunc {
  const isMax = op === 'Maximum' ? 1 : 0;
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const engine = engineFor(wasm);
    if (engine == null || a.dtype !== 'float32' || b.dtype !== 'float32') return run(wasm, op, inputs, attrs);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = shapeSize(outShape);
    // max/min are symmetric (NaN wins either way; −0 < +0 either way), so the scalar may be either side.
    const [tensor, scalar] = shapeSize(b.shape) === 1 && shapeSize(a.shape) === n ? [a, b] : shapeSize(a.shape) === 1 && shapeSize(b.shape) === n ? [b, a] : [null, null];
    if (tensor == null && !util.arraysEqual(a.shape, b.shape)) return run(wasm, op, inputs, attrs);
    const out = wasm.makeOutput(outShape, 'float32');
    if (n === 0) return out;
    const threads = n < 1 << 16 ? 1 : engine.threads;
    const ranges = splitRange(n, threads, 4);
    if (tensor != null) {
      const value = (wasm.typedArrayFromHeap(scalar!) as Float32Array)[0]!;
      const x = addressOf(wasm, tensor);
      engine.run('minMaxScalar', ranges.map(([i0, i1]) => [x, value, addressOf(wasm, out), isMax, i0, i1]));
    } else {
      engine.run('minMaxSame', ranges.map(([i0, i1]) => [addressOf(wasm, a), addressOf(wasm, b), addressOf(wasm, out), isMax, i0, i1]));
    }
    return out;
  };
}

export const maximumConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Maximum', backendName: 'wasm', kernelFunc: minMax('Maximum') };
export const minimumConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Minimum', backendName: 'wasm', kernelFunc: minMax('Minimum') };
