// Conv2D and FusedConv2D (conv + bias, what Backprop's Conv2d layer runs) on the engine: Winograd
// for the 3×3 stride-1 'same' layers, the implicit-GEMM convolution for the rest. Anything the engine does not take (dilation, a fused activation
// other than linear, no engine) goes to the stock XNNPACK kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { convGeometry, shape4 } from './conv-geometry.js';
import { engineConvApplies, engineConvForward } from './engine-conv.js';
import { winogradApplies, winogradChoice, winogradConv2d } from './winograd.js';
import { free, run } from './wasm-ops.js';
import { addConfig } from './add.js';
import { shapeStr } from '../checks.js';

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

/** y = conv(x, filter) + bias + residual: a residual block's conv and its sum (ops/conv2d.ts conv2dAddResidual). */
export const CONV2D_ADD_RESIDUAL = 'BackpropConv2DAddResidual';

/**
 * The sum in the Winograd output transform where the forward runs by Winograd (the pre-activation
 * blocks' 3×3 convs: one read of the residual instead of an Add that reads y and the residual and
 * writes their sum); elsewhere FusedConv2D, then Add. The same bits either way: the residual is
 * added to the biased output, one float32 add per element, as Add adds.
 */
const conv2dAddResidual: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, filter, bias, residual } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; residual: TensorInfo };
  const op = CONV2D_ADD_RESIDUAL;
  const g = convGeometry(shape4(x, 'x', op), shape4(filter, 'filter', op), attrs as never, op);
  const want = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (residual.dtype !== 'float32' || residual.shape.length !== 4 || residual.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: residual must be float32 ${shapeStr(want)} like the conv's output, got ${residual.dtype} ${shapeStr(residual.shape)}`);
  }
  const engine = engineFor(wasm);
  const plain = x.dtype === 'float32' && filter.dtype === 'float32' && (bias == null || (bias.shape.length === 1 && bias.shape[0] === g.outChannels));
  const variant = engine != null && plain && winogradApplies(g) ? winogradChoice('forward', g.inHeight, g.inWidth, g.inChannels, g.outChannels) : null;
  if (engine != null && variant != null) return winogradConv2d(engine, wasm, x, filter, bias ?? null, variant, residual);
  const y = convKernel('FusedConv2D')({ inputs: bias == null ? { x, filter } : { x, filter, bias }, backend, attrs: { ...attrs, activation: 'linear' } }) as TensorInfo;
  const out = addConfig.kernelFunc({ inputs: { a: y, b: residual }, backend, attrs: {} }) as TensorInfo;
  free(wasm, y);
  return out;
};

export const conv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: convKernel('Conv2D') };
export const fusedConv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc: convKernel('FusedConv2D') };
export const conv2dAddResidualConfig: KernelConfig = { kernelName: CONV2D_ADD_RESIDUAL, backendName: 'wasm', kernelFunc: conv2dAddResidual };
