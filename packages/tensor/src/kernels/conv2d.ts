// Conv2D and FusedConv2D (conv + bias, what Backprop's Conv2d layer runs) on the engine: Winograd
// for the 3×3 stride-1 'same' layers, the implicit-GEMM convolution for the rest. Anything the engine does not take (dilation, a fused activation
// other than linear, no engine) goes to the stock XNNPACK kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { convGeometry, shape4 } from './conv-geometry.js';
import { engineConvApplies, engineConvForward } from './engine-conv.js';
import { winogradApplies, winogradChoice, winogradConv2d } from './winograd.js';
import { run } from './wasm-ops.js';

function convKernel(op: 'Conv2D' | 'FusedConv2D'): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const { activation, preluActivationWeights } = attrs as { activation?: string; preluActivationWeights?: unknown };
    const engine = engineFor(wasm);
    const linear = activation == null || activation === 'linear';
    if (engine == null || !linear || preluActivationWeights != null || x.dtype !== 'float32' || filter.dtype !== 'float32') {
      return run(wasm, op, inputs, attrs);
    }
    const g = convGeometry(shape4(x, 'x', op), shape4(filter, 'filter', op), attrs as never, op);
    if (!engineConvApplies(g)) return run(wasm, op, inputs, attrs);
    if (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== g.outChannels)) {
      // Broadcast forms of the bias (scalar, [1, 1, 1, C]) stay with the stock kernel.
      return run(wasm, op, inputs, attrs);
    }
    // 3×3 stride-1 'same' layers by Winograd where it measured faster (winograd.ts), else im2col.
    const variant = winogradApplies(g) ? winogradChoice('forward', g.inHeight, g.inWidth, g.inChannels, g.outChannels) : null;
    if (variant != null) return winogradConv2d(engine, wasm, x, filter, bias ?? null, variant);
    return engineConvForward(engine, wasm, x, filter, bias ?? null, g);
  };
}

export const conv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: convKernel('Conv2D') };
export const fusedConv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc: convKernel('FusedConv2D') };
