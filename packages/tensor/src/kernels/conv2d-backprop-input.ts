// Conv2DBackpropInput (dx of a conv) as a forward convolution, so it runs on XNNPACK's fast
// conv (~7× the stock kernel). With y[o] = Σ_k x[o·s + k − padTop]·W[k]:
//   dx[i] = Σ_k dyDilated[i + padTop − k]·W[k]
//         = conv_stride1(dyDilated, flip(W) with in/out swapped, padTop' = K − 1 − padTop)
// where dyDilated puts s − 1 zeros between the rows/columns of dy (nothing to do when s = 1).
// Dilated filters and paddings larger than the kernel fall back to the stock kernel.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { convGeometry, shape4 } from './conv-geometry.js';
import { engineConvApplies, engineConvForward } from './engine-conv.js';
import { smallMapChosen, smallMapConvInputGrad } from './small-map-conv.js';
import { winogradApplies, winogradBackpropInput, winogradChoice } from './winograd.js';
import { free, pad, reshape, run, transpose } from './wasm-ops.js';

const OP = 'Conv2DBackpropInput';

/** Inserts stride − 1 zeros between rows and columns: [N,H,W,C] → [N,(H−1)s+1,(W−1)s+1,C]. */
function dilate(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape as [number, number, number, number];
  const split = reshape(backend, dy, [n, h, 1, w, 1, c]);
  const padded = pad(backend, split, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const merged = reshape(backend, padded, [n, h * sh, w * sw, c]);
  const trimmed = run(backend, 'Slice', { x: merged }, { begin: [0, 0, 0, 0], size: [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c] });
  free(backend, split, padded, merged);
  return trimmed;
}

/**
 * [KH,KW,Cin,Cout] → spatially flipped [KH,KW,Cout,Cin]. Flipping both spatial axes reverses
 * the order of the KH·KW taps, so: one transpose of each tap's [Cin, Cout] block, then the
 * blocks copied back in reverse order (the stock Reverse kernel took 160–330 ms on 3×3×512×512).
 */
function flipFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const taps = kh * kw;
  const blocks = reshape(backend, filter, [taps, cin, cout]);
  const swapped = transpose(backend, blocks, [0, 2, 1]);
  const out = backend.makeOutput([kh, kw, cout, cin], 'float32');
  const src = backend.typedArrayFromHeap(swapped);
  const dst = backend.typedArrayFromHeap(out);
  const block = cin * cout;
  for (let t = 0; t < taps; t++) dst.set(src.subarray(t * block, (t + 1) * block), (taps - 1 - t) * block);
  free(backend, blocks, swapped);
  return out;
}

const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
  const g = convGeometry(inputShape, shape4(filter, 'filter', OP), attrs as never, OP);
  const padTop = g.filterHeight - 1 - g.padTop;
  const padLeft = g.filterWidth - 1 - g.padLeft;
  const dilatedHeight = (g.outHeight - 1) * g.strideHeight + 1;
  const dilatedWidth = (g.outWidth - 1) * g.strideWidth + 1;
  const padBottom = g.inHeight - dilatedHeight - padTop + g.filterHeight - 1;
  const padRight = g.inWidth - dilatedWidth - padLeft + g.filterWidth - 1;
  if (g.dilated || Math.min(padTop, padLeft, padBottom, padRight) < 0) {
    return run(wasm, OP, inputs, attrs);
  }
  const engine = engineFor(wasm);
  if (engine != null && dy.dtype === 'float32' && filter.dtype === 'float32' && smallMapChosen('inputGrad', g)) return smallMapConvInputGrad(engine, wasm, dy, filter, g);
  const variant = engine != null && winogradApplies(g) ? winogradChoice('inputGrad', g.inHeight, g.inWidth, g.inChannels, g.outChannels) : null;
  if (engine != null && variant != null) return winogradBackpropInput(engine, wasm, dy, filter, variant);
  const dyDilated = dilate(wasm, dy, g.strideHeight, g.strideWidth);
  const flipped = flipFilter(wasm, filter);
  if (engine != null && engineConvApplies({ ...g, inChannels: g.outChannels })) {
    // The engine's implicit GEMM, stride 1 over the dilated dy with the flipped filter.
    const dx = engineConvForward(engine, wasm, dyDilated, flipped, null, {
      ...g,
      inHeight: dyDilated.shape[1]!,
      inWidth: dyDilated.shape[2]!,
      inChannels: g.outChannels,
      outHeight: g.inHeight,
      outWidth: g.inWidth,
      outChannels: g.inChannels,
      strideHeight: 1,
      strideWidth: 1,
      padTop,
      padBottom,
      padLeft,
      padRight,
    });
    if (dyDilated !== dy) free(wasm, dyDilated);
    free(wasm, flipped);
    return dx;
  }
  const dx = run(wasm, 'Conv2D', { x: dyDilated, filter: flipped }, {
    strides: 1,
    pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
    dataFormat: 'NHWC',
    dilations: 1,
    dimRoundingMode: undefined as never,
  });
  if (dyDilated !== dy) free(wasm, dyDilated);
  free(wasm, flipped);
  return dx;
};

export const conv2dBackpropInputConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
