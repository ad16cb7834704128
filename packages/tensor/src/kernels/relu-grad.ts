// BackpropReluGrad and the Relu gradient that uses it. tfjs's Relu gradient is dy · cast(step(x)):
// three kernels (Step, Cast, Multiply) and two [N, H, W, C] temporaries, each pass on one thread
// (tfjs's own pool gets one thread when the engine runs). On WASM with the engine it is one pass
// here (assembly/relu-grad.ts), bit-identical; on any other backend, or with Backprop's kernels
// off, the gradient is tfjs's own formula.
import { getKernel, type GradConfig, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf } from './wasm-ops.js';
import { shapeSize, shapeStr } from '../checks.js';

export const RELU_GRAD = 'BackpropReluGrad';

const reluGrad: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as BackendWasm;
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`${RELU_GRAD}: dy and x must be float32 of one shape, got dy ${dy.dtype} ${shapeStr(dy.shape)} and x ${x.dtype} ${shapeStr(x.shape)}`);
  }
  const engine = engineFor(wasm);
  if (engine == null) throw new Error(`${RELU_GRAD}: needs Backprop's engine on the wasm backend`);
  const out = wasm.makeOutput([...x.shape], 'float32');
  const n = shapeSize(x.shape);
  if (n === 0) return out;
  const args = [addressOf(wasm, dy), addressOf(wasm, x), addressOf(wasm, out)];
  engine.run('reluGrad', splitRange(n, n < 1 << 16 ? 1 : engine.threads, 4).map(([i0, i1]) => [...args, i0, i1]));
  return out;
};

export const reluGradConfig: KernelConfig = { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad };

/** Whether the one-pass kernel serves the current backend. */
const fused = (x: tfc.Tensor): boolean =>
  x.dtype === 'float32' && getKernel(RELU_GRAD, tfc.getBackend()) != null && engineFor(tfc.backend() as BackendWasm) != null;

/** Replaces tfjs's gradient of Relu (registered by register-kernels.ts after tfjs's own). */
export const reluGradientConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tfc.Tensor];
    const g = dy as tfc.Tensor;
    return {
      x: () => (fused(x) ? (tfc.engine().runKernel(RELU_GRAD, { dy: g, x }) as tfc.Tensor) : tfc.mul(g, tfc.cast(tfc.step(x), 'float32'))),
    };
  },
};
