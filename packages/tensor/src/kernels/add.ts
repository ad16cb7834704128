// Add of two float32 tensors of one shape on the engine: one SIMD pass split over its threads. The
// CNN step adds such [N, H, W, C] pairs where autograd accumulates the gradients of a block's input,
// which feeds both the shortcut and the branch (its forward residual sums are made inside the
// convolution since round 10: conv2d.ts BackpropConv2DAddResidual); with the engine's
// pool holding the threads, the stock kernel (XNNPACK) runs them on one. Broadcasts and other
// dtypes go to the stock kernel.
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf, run } from './wasm-ops.js';
import { shapeSize } from '../checks.js';

const OP = 'Add';

const add: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const engine = engineFor(wasm);
  if (engine == null || a.dtype !== 'float32' || b.dtype !== 'float32' || !util.arraysEqual(a.shape, b.shape)) return run(wasm, OP, inputs, attrs);
  const out = wasm.makeOutput([...a.shape], 'float32');
  const n = shapeSize(a.shape);
  if (n === 0) return out;
  const args = [addressOf(wasm, a), addressOf(wasm, b), addressOf(wasm, out)];
  engine.run('addSame', splitRange(n, n < 1 << 16 ? 1 : engine.threads, 4).map(([i0, i1]) => [...args, i0, i1]));
  return out;
};

export const addConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: OP, backendName: 'wasm', kernelFunc: add };
