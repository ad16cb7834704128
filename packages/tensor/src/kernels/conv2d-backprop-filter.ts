// Conv2DBackpropFilter (dW of a conv), missing from tfjs-backend-wasm, as one GEMM:
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPadded[n, oh·s + kh, ow·s + kw, ci] · dy[n,oh,ow,co]
// im2col gathers the KH·KW shifted windows of x side by side, P: [M, KH·KW·Cin] with
// M = N·OH·OW; then dWᵀ = dyᵀ·P ([Cout, M]·[M, KH·KW·Cin]) runs on XNNPACK's GEMM, and a small
// transpose gives [KH·KW·Cin, Cout] = [KH,KW,Cin,Cout]. The same FLOPs as the forward conv.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, shape4, type ConvGeometry } from './conv-geometry.js';
import { free, matMul, pad, reshape, run, transpose } from './wasm-ops.js';

const OP = 'Conv2DBackpropFilter';

/** The window of x that filter tap (kh, kw) sees: [N, OH, OW, Cin]. */
function tapWindow(backend: BackendWasm, xPadded: TensorInfo, g: ConvGeometry, kh: number, kw: number): TensorInfo {
  const end = [g.batch, kh + (g.outHeight - 1) * g.strideHeight + 1, kw + (g.outWidth - 1) * g.strideWidth + 1, g.inChannels];
  if (g.strideHeight === 1 && g.strideWidth === 1) {
    return run(backend, 'Slice', { x: xPadded }, { begin: [0, kh, kw, 0], size: [g.batch, g.outHeight, g.outWidth, g.inChannels] });
  }
  return run(backend, 'StridedSlice', { x: xPadded }, {
    begin: [0, kh, kw, 0],
    end,
    strides: [1, g.strideHeight, g.strideWidth, 1],
    beginMask: 0,
    endMask: 0,
    ellipsisMask: 0,
    newAxisMask: 0,
    shrinkAxisMask: 0,
  });
}

/** P: [M, KH·KW·Cin], column (kh·KW + kw)·Cin + ci. */
function im2col(backend: BackendWasm, x: TensorInfo, g: ConvGeometry): TensorInfo {
  const m = g.batch * g.outHeight * g.outWidth;
  const oneByOne = g.filterHeight === 1 && g.filterWidth === 1;
  const padded = g.padTop + g.padBottom + g.padLeft + g.padRight > 0;
  if (oneByOne && !padded && g.strideHeight === 1 && g.strideWidth === 1) return reshape(backend, x, [m, g.inChannels]);
  const xPadded = padded
    ? pad(backend, x, [[0, 0], [g.padTop, g.padBottom], [g.padLeft, g.padRight], [0, 0]])
    : x;
  const windows: TensorInfo[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) windows.push(tapWindow(backend, xPadded, g, kh, kw));
  }
  const stacked = windows.length === 1 ? windows[0]! : run(backend, 'Concat', windows as unknown as Record<string, TensorInfo>, { axis: 3 });
  const patches = reshape(backend, stacked, [m, g.filterHeight * g.filterWidth * g.inChannels]);
  if (windows.length > 1) free(backend, ...windows, stacked);
  else free(backend, stacked);
  if (xPadded !== x) free(backend, xPadded);
  return patches;
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const g = convGeometry(shape4(x, 'x', OP), filterShape, attrs as never, OP);
  const dyShape = shape4(dy, 'dy', OP);
  if (dyShape[1] !== g.outHeight || dyShape[2] !== g.outWidth || dyShape[3] !== g.outChannels) {
    throw new Error(`${OP}: dy must have shape [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.outChannels}], got [${dyShape.join(', ')}]`);
  }
  if (g.dilated) throw new Error(`${OP}: dilations other than 1 are not supported on WASM`);
  const m = g.batch * g.outHeight * g.outWidth;
  const patches = im2col(wasm, x, g);
  const dyFlat = reshape(wasm, dy, [m, g.outChannels]);
  const dyT = transpose(wasm, dyFlat, [1, 0]);
  const dWT = matMul(wasm, dyT, patches); // [Cout, KH·KW·Cin]
  const dW = transpose(wasm, dWT, [1, 0]);
  const out = reshape(wasm, dW, filterShape);
  free(wasm, patches, dyFlat, dyT, dWT, dW);
  return out;
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
