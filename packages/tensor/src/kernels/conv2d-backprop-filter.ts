// Conv2DBackpropFilter (dW of a conv), missing from tfjs-backend-wasm, as one GEMM:
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPadded[n, oh·s + kh, ow·s + kw, ci] · dy[n,oh,ow,co]
// Each filter tap (kh, kw) needs one GEMM, dW[kh,kw]ᵀ = dyᵀ·window ([Cout, M]·[M, Cin]), on
// XNNPACK; the KH·KW results [Cout, Cin] stack and transpose to [KH,KW,Cin,Cout]. The same FLOPs
// as the forward conv.
//
// Stride 1 gathers nothing: flatten padded x to [N·Hp·Wp, Cin] and place dy on the same Hp×Wp
// grid (zero-padded bottom/right). Tap (kh, kw) is then the row shift kh·Wp + kw of x — a
// zero-copy view of the WASM heap. The zero rows of dy cancel the positions that wrap across
// rows or images, at the cost of (Hp·Wp)/(OH·OW) more GEMM work (13% at 32×32, 3×3).
// Strides > 1 gather each tap's window with StridedSlice instead.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, shape4, type ConvGeometry } from './conv-geometry.js';
import { free, freeView, matMul, padHW, reshape, rowView, run, transpose } from './wasm-ops.js';

const OP = 'Conv2DBackpropFilter';

/** Per-tap [Cout, Cin] products for stride 1, from row-shifted views of x (see the file comment). */
function stride1TapProducts(backend: BackendWasm, xPadded: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo[] {
  const [n, hp, wp] = xPadded.shape as [number, number, number, number];
  const positions = n * hp * wp;
  const length = positions - ((g.filterHeight - 1) * wp + g.filterWidth - 1);
  const xRows = reshape(backend, xPadded, [positions, g.inChannels]);
  const dyGrid = padHW(backend, dy, 0, hp - g.outHeight, 0, wp - g.outWidth);
  const dyRows = reshape(backend, dyGrid, [positions, g.outChannels]);
  const dyHead = rowView(backend, dyRows, 0, length);
  const dyT = transpose(backend, dyHead, [1, 0]); // [Cout, length]
  freeView(backend, dyHead);
  const products: TensorInfo[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const window = rowView(backend, xRows, kh * wp + kw, length);
      products.push(matMul(backend, dyT, window));
      freeView(backend, window);
    }
  }
  free(backend, xRows, dyGrid, dyRows, dyT);
  return products;
}

/** Per-tap [Cout, Cin] products for strides > 1, windows gathered with StridedSlice. */
function stridedTapProducts(backend: BackendWasm, xPadded: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo[] {
  const m = g.batch * g.outHeight * g.outWidth;
  const dyFlat = reshape(backend, dy, [m, g.outChannels]);
  const dyT = transpose(backend, dyFlat, [1, 0]);
  const products: TensorInfo[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const window = run(backend, 'StridedSlice', { x: xPadded }, {
        begin: [0, kh, kw, 0],
        end: [g.batch, kh + (g.outHeight - 1) * g.strideHeight + 1, kw + (g.outWidth - 1) * g.strideWidth + 1, g.inChannels],
        strides: [1, g.strideHeight, g.strideWidth, 1],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      });
      const rows = reshape(backend, window, [m, g.inChannels]);
      products.push(matMul(backend, dyT, rows));
      free(backend, window, rows);
    }
  }
  free(backend, dyFlat, dyT);
  return products;
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
  const padded = g.padTop + g.padBottom + g.padLeft + g.padRight > 0;
  const xPadded = padded ? padHW(wasm, x, g.padTop, g.padBottom, g.padLeft, g.padRight) : x;
  const stride1 = g.strideHeight === 1 && g.strideWidth === 1;
  const products = (stride1 ? stride1TapProducts : stridedTapProducts)(wasm, xPadded, dy, g);
  if (xPadded !== x) free(wasm, xPadded);
  const taps = g.filterHeight * g.filterWidth;
  const stacked = taps === 1 ? products[0]! : run(wasm, 'Concat', products as unknown as Record<string, TensorInfo>, { axis: 0 });
  const stacked3 = reshape(wasm, stacked, [taps, g.outChannels, g.inChannels]);
  const dW = transpose(wasm, stacked3, [0, 2, 1]); // [taps, Cin, Cout]
  const out = reshape(wasm, dW, filterShape);
  free(wasm, stacked, stacked3, dW, ...(taps > 1 ? products : []));
  return out;
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
