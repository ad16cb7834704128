// Conv2DBackpropFilter (dW of a conv), missing from tfjs-backend-wasm, as GEMMs on XNNPACK:
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} xPadded[n, oh·s + kh, ow·s + kw, ci] · dy[n,oh,ow,co]
// i.e. dW = colsᵀ·dy ([KH·KW·Cin, M]·[M, Cout]) over the M output positions, where row
// (kh, kw, ci) of colsᵀ is channel ci of the window that tap (kh, kw) sees — the product comes out
// in the filter's [KH,KW,Cin,Cout] layout. The same FLOPs as the forward conv.
//
// Stride 1 gathers nothing: with padded x transposed once to xᵀ [Cin, N·Hp·Wp] and dy placed on
// the same Hp×Wp grid (zero-padded bottom/right), tap (kh, kw)'s row of colsᵀ is row ci of xᵀ
// shifted by kh·Wp + kw columns. The zero rows of dy cancel the positions that wrap across rows or
// images, at the cost of (Hp·Wp)/(OH·OW) more GEMM work: 13% at 32×32 and 27% at 16×16, but 56% at
// 8×8, so small images (and strides > 1) gather each tap's window with StridedSlice instead.
//
// Why the GEMM is cut along M (measured at 3×3 64→64 32×32, batch 32, M = 37K): one GEMM over
// all of M streams its operands from L3 for every output tile (~9 GFLOP/s); in pieces of
// CHUNK_ROWS positions the packed B piece [rows, Cout] stays in L2 (~14.5 GFLOP/s). Each piece's
// A [KH·KW·Cin, rows] is assembled from xᵀ with plain row copies, and the pieces' products are
// summed into dW. The first layer, with few input channels, copies output row by output row
// instead and leaves dy where it is (`exactTaps`). Earlier versions ran one GEMM per tap with x as
// the B operand; XNNPACK packs B afresh for every new tensor at ~18 ns an element, which cost more
// than the GEMMs themselves.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { convGeometry, shape4, type ConvGeometry } from './conv-geometry.js';
import { engineConvApplies, engineConvFilterGrad } from './engine-conv.js';
import { winogradApplies, winogradBackpropFilter, winogradChoice } from './winograd.js';
import { free, freeView, heapView, matMul, padHW, reshape, rowView, run, transpose } from './wasm-ops.js';
import { shapeStr } from '../checks.js';

const OP = 'Conv2DBackpropFilter';

/** Output positions per GEMM: the packed B piece [rows, Cout] fits in L2 up to Cout = 256. */
const CHUNK_ROWS = 2048;
/**
 * Shifted taps pay (Hp·Wp)/(OH·OW) extra GEMM work; above this ratio gathering each tap's window
 * costs less (measured: 13% extra at 32×32 and 27% at 16×16 win, 56% at 8×8 loses).
 */
const MAX_SHIFT_WASTE = 1.3;
/**
 * Up to this many filter rows (KH·KW·Cin) row-by-row copies (`exactTaps`) beat the shifted GEMM:
 * measured 6% faster at 27 (the 3-channel first layer), equal at 64, 43% slower at 576.
 */
const MAX_EXACT_FILTER_ROWS = 32;

/** Where tap t's channels live: rows of xT [Cin, R], starting at column `offset`. */
interface TapSource {
  xT: TensorInfo;
  offset: number;
}

/**
 * Writes colsᵀ for output positions [start, start + len) into `cols` ([K, len], row-major); `heap`
 * gives a fresh heap view of a source tensor (views go stale when the heap grows).
 */
type FillCols = (cols: Float32Array, heap: (t: TensorInfo) => Float32Array, start: number, len: number) => void;

/** dW = Σ over pieces of M of colsᵀ[:, piece]·dy[piece] (see the file comment); dy is [M, Cout]. */
function accumulate(backend: BackendWasm, dW: TensorInfo, k: number, fill: FillCols, dyRows: TensorInfo, length: number, rows: number): void {
  const scratch = backend.makeOutput([k * rows], 'float32');
  const heap = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  for (let start = 0; start < length; start += rows) {
    const len = Math.min(rows, length - start);
    // Heap views are taken right before use: any allocation may grow (and move) the heap.
    fill(heap(scratch), heap, start, len);
    const a = heapView(backend, scratch, 0, [k, len]);
    const b = rowView(backend, dyRows, start, len);
    const product = matMul(backend, a, b); // [KH·KW·Cin, Cout]
    freeView(backend, a);
    freeView(backend, b); // also drops XNNPACK's packed copy of b
    const sum = heap(dW);
    const part = heap(product);
    if (start === 0) sum.set(part);
    else for (let i = 0; i < part.length; i++) sum[i]! += part[i]!;
    free(backend, product);
  }
  free(backend, scratch);
}

/** colsᵀ rows (tap, ci) as contiguous column ranges of each tap's xT: the shifted grid and gathered windows. */
function contiguousFill(taps: TapSource[]): FillCols {
  const inC = taps[0]!.xT.shape[0]!;
  return (cols, heap, start, len) => {
    taps.forEach(({ xT, offset }, t) => {
      const src = heap(xT);
      const stride = xT.shape[1]!;
      for (let ci = 0; ci < inC; ci++) {
        const from = ci * stride + offset + start;
        cols.set(src.subarray(from, from + len), (t * inC + ci) * len);
      }
    });
  };
}

/** Stride 1 on large images: every tap reads one xᵀ, shifted (see the file comment). */
function shiftedTaps(backend: BackendWasm, xPadded: TensorInfo, dy: TensorInfo, g: ConvGeometry, dW: TensorInfo): void {
  const [n, hp, wp] = xPadded.shape as [number, number, number, number];
  const positions = n * hp * wp;
  const length = positions - ((g.filterHeight - 1) * wp + g.filterWidth - 1);
  const xRows = reshape(backend, xPadded, [positions, g.inChannels]);
  const xT = transpose(backend, xRows, [1, 0]); // [Cin, positions]
  const onGrid = hp === g.outHeight && wp === g.outWidth; // 1×1 'valid'-like: dy already fills the grid
  const dyGrid = onGrid ? dy : padHW(backend, dy, 0, hp - g.outHeight, 0, wp - g.outWidth);
  const dyRows = reshape(backend, dyGrid, [positions, g.outChannels]);
  const taps: TapSource[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) taps.push({ xT, offset: kh * wp + kw });
  }
  accumulate(backend, dW, taps.length * g.inChannels, contiguousFill(taps), dyRows, length, Math.min(CHUNK_ROWS, length));
  free(backend, xRows, xT, dyRows, ...(onGrid ? [] : [dyGrid]));
}

/**
 * Stride 1, few input channels (the first layer): like `shiftedTaps`, but colsᵀ is copied output
 * row by output row (OW positions at a time) so that dy needs no grid: no padded copy of dy, and no
 * GEMM work on the wrapped positions. The many short copies only pay off while KH·KW·Cin is small.
 */
function exactTaps(backend: BackendWasm, xPadded: TensorInfo, dy: TensorInfo, g: ConvGeometry, dW: TensorInfo): void {
  const [n, hp, wp] = xPadded.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, inChannels: inC, filterHeight: fh, filterWidth: fw } = g;
  const positions = n * hp * wp;
  const xRows = reshape(backend, xPadded, [positions, inC]);
  const xT = transpose(backend, xRows, [1, 0]); // [Cin, positions]
  const m = n * oh * ow;
  const dyRows = reshape(backend, dy, [m, g.outChannels]);
  const rows = Math.min(m, Math.max(1, Math.floor(CHUNK_ROWS / ow)) * ow); // whole output rows per piece
  const fill: FillCols = (cols, heap, start, len) => {
    const src = heap(xT);
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        for (let ci = 0; ci < inC; ci++) {
          let d = ((kh * fw + kw) * inC + ci) * len;
          for (let q = start / ow; q < (start + len) / ow; q++) {
            // Output row q = (image, oh) reads padded row oh + kh from column kw on.
            const image = Math.floor(q / oh);
            let from = ci * positions + (image * hp + (q - image * oh) + kh) * wp + kw;
            for (let w = 0; w < ow; w++) cols[d++] = src[from++]!;
          }
        }
      }
    }
  };
  accumulate(backend, dW, fh * fw * inC, fill, dyRows, m, rows);
  free(backend, xRows, xT, dyRows);
}

/** Strides > 1 and small images: each tap's window gathered with StridedSlice and transposed. */
function gatheredTaps(backend: BackendWasm, xPadded: TensorInfo, dy: TensorInfo, g: ConvGeometry, dW: TensorInfo): void {
  const m = g.batch * g.outHeight * g.outWidth;
  const dyRows = reshape(backend, dy, [m, g.outChannels]);
  const taps: TapSource[] = [];
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
      taps.push({ xT: transpose(backend, rows, [1, 0]), offset: 0 }); // [Cin, m]
      free(backend, window, rows);
    }
  }
  accumulate(backend, dW, taps.length * g.inChannels, contiguousFill(taps), dyRows, m, Math.min(CHUNK_ROWS, m));
  free(backend, dyRows, ...taps.map((t) => t.xT));
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const g = convGeometry(shape4(x, 'x', OP), filterShape, attrs as never, OP);
  const dyShape = shape4(dy, 'dy', OP);
  if (dyShape[1] !== g.outHeight || dyShape[2] !== g.outWidth || dyShape[3] !== g.outChannels) {
    throw new Error(`${OP}: dy must have shape [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.outChannels}], got ${shapeStr(dyShape)}`);
  }
  if (g.dilated) throw new Error(`${OP}: dilations other than 1 are not supported on WASM`);
  const engine = engineFor(wasm);
  if (engine != null && engineConvApplies(g) && x.dtype === 'float32' && dy.dtype === 'float32') {
    const variant = winogradApplies(g) ? winogradChoice('filterGrad', g.inHeight, g.inWidth, g.inChannels, g.outChannels) : null;
    if (variant != null) return winogradBackpropFilter(engine, wasm, x, dy, variant);
    return engineConvFilterGrad(engine, wasm, x, dy, g);
  }
  const padded = g.padTop + g.padBottom + g.padLeft + g.padRight > 0;
  const xPadded = padded ? padHW(wasm, x, g.padTop, g.padBottom, g.padLeft, g.padRight) : x;
  const waste = (xPadded.shape[1]! * xPadded.shape[2]!) / (g.outHeight * g.outWidth);
  const shifted = g.strideHeight === 1 && g.strideWidth === 1 && waste <= MAX_SHIFT_WASTE;
  const dW = wasm.makeOutput(filterShape, 'float32');
  const exact = shifted && g.filterHeight * g.filterWidth * g.inChannels <= MAX_EXACT_FILTER_ROWS;
  (exact ? exactTaps : shifted ? shiftedTaps : gatheredTaps)(wasm, xPadded, dy, g, dW);
  if (xPadded !== x) free(wasm, xPadded);
  return dW;
};

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
