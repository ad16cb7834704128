// Conv2D and FusedConv2D (conv + bias, what Backprop's Conv2d layer runs) on the engine: Winograd
// for the 3×3 stride-1 'same' layers (GEMMs per tap on maps of at most 2×2), the implicit-GEMM
// convolution for the rest. Anything the engine does not take (dilation, a fused activation other
// than linear, no engine) goes to the stock XNNPACK kernel. BackpropConv2DAddResidual is the same
// path with a residual block's sum added.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { convGeometry, shape4 } from './conv-geometry.js';
import { engineConvApplies, engineConvForward } from './engine-conv.js';
import { smallMapChosen, smallMapConvForward } from './small-map-conv.js';
import { winogradApplies, winogradChoice, winogradConv2d } from './winograd.js';
import { free, run } from './wasm-ops.js';
import { addConfig } from './add.js';
import { shapeStr } from '../checks.js';

/**
 * conv(x, filter) + bias (+ residual, added last): the engine's Winograd or implicit-GEMM conv, or
 * the stock kernel `op` for what the engine does not take. The residual goes into the Winograd
 * output transform (a residual block's sum without a pass of its own); on the other paths an Add
 * after the conv — the same bits, one float32 add per element.
 */
function convolve(op: 'Conv2D' | 'FusedConv2D', wasm: BackendWasm, inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo }, attrs: NamedAttrMap, residual: TensorInfo | null): TensorInfo {
  const { y, summed } = conv(op, wasm, inputs, attrs, residual);
  if (residual == null || summed) return y;
  const sum = addConfig.kernelFunc({ inputs: { a: y, b: residual }, backend: wasm, attrs: {} }) as TensorInfo;
  free(wasm, y);
  return sum;
}

/** The conv of convolve; `summed`: the residual is already in y (the Winograd path). */
function conv(op: 'Conv2D' | 'FusedConv2D', wasm: BackendWasm, inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo }, attrs: NamedAttrMap, residual: TensorInfo | null): { y: TensorInfo; summed: boolean } {
  const { x, filter, bias } = inputs;
  const { activation, preluActivationWeights } = attrs as { activation?: string; preluActivationWeights?: unknown };
  const engine = engineFor(wasm);
  const linear = activation == null || activation === 'linear';
  const stock = () => ({ y: run(wasm, op, inputs, attrs), summed: false });
  if (engine == null || !linear || preluActivationWeights != null || x.dtype !== 'float32' || filter.dtype !== 'float32') return stock();
  const g = convGeometry(shape4(x, 'x', op), shape4(filter, 'filter', op), attrs as never, op);
  if (!engineConvApplies(g)) return stock();
  // Broadcast forms of the bias (scalar, [1, 1, 1, C]) stay with the stock kernel.
  if (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== g.outChannels)) return stock();
  // 3×3 stride-1 'same' layers: on maps of at most 2×2 as GEMMs per tap (small-map-conv.ts), else by
  // Winograd where it measured faster (winograd.ts), else im2col.
  if (smallMapChosen('forward', g)) return { y: smallMapConvForward(engine, wasm, x, filter, bias ?? null, g), summed: false };
  const variant = winogradApplies(g) ? winogradChoice('forward', g.inHeight, g.inWidth, g.inChannels, g.outChannels) : null;
  if (variant != null) return { y: winogradConv2d(engine, wasm, x, filter, bias ?? null, variant, residual), summed: true };
  return { y: engineConvForward(engine, wasm, x, filter, bias ?? null, g), summed: false };
}

function convKernel(op: 'Conv2D' | 'FusedConv2D'): KernelFunc {
  return ({ inputs, backend, attrs }) => convolve(op, backend as BackendWasm, inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo }, attrs ?? {}, null);
}

/** y = conv(x, filter) + bias + residual: a residual block's conv and its sum (ops/conv2d.ts conv2dAddResidual). */
export const CONV2D_ADD_RESIDUAL = 'BackpropConv2DAddResidual';

/** FusedConv2D (linear) with a residual block's sum: convolve above, the residual's shape checked first. */
const conv2dAddResidual: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter, bias, residual } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; residual: TensorInfo };
  const op = CONV2D_ADD_RESIDUAL;
  const g = convGeometry(shape4(x, 'x', op), shape4(filter, 'filter', op), attrs as never, op);
  const want = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (residual.dtype !== 'float32' || residual.shape.length !== 4 || residual.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: residual must be float32 ${shapeStr(want)} like the conv's output, got ${residual.dtype} ${shapeStr(residual.shape)}`);
  }
  return convolve('FusedConv2D', backend as BackendWasm, bias == null ? { x, filter } : { x, filter, bias }, { ...attrs, activation: 'linear' }, residual);
};

export const conv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: convKernel('Conv2D') };
export const fusedConv2dConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc: convKernel('FusedConv2D') };
export const conv2dAddResidualConfig: KernelConfig = { kernelName: CONV2D_ADD_RESIDUAL, backendName: 'wasm', kernelFunc: conv2dAddResidual };
