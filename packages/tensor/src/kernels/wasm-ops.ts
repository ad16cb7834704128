// Backend-level helpers for kernels that are built from other WASM kernels. They work on
// TensorInfo (not engine-tracked Tensors): every intermediate must be freed with `free`.
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shapeSize } from '../checks.js';

/** Stock kernels captured before Backprop replaces them, so a fast path can fall back. */
const stockKernels = new Map<string, KernelConfig>();

export function rememberStock(kernelName: string): KernelConfig | undefined {
  if (!stockKernels.has(kernelName)) {
    const config = getKernel(kernelName, 'wasm');
    if (config != null) stockKernels.set(kernelName, config);
  }
  return stockKernels.get(kernelName);
}

/** Runs a WASM kernel: the stock one if Backprop overrode it, else the registered one. */
export function run(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = stockKernels.get(kernelName) ?? getKernel(kernelName, 'wasm');
  if (config == null) throw new Error(`Backprop kernel helper: WASM kernel '${kernelName}' is not registered`);
  return config.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

export const free = (backend: BackendWasm, ...infos: TensorInfo[]): void => {
  for (const info of infos) backend.disposeData(info.dataId);
};

export const reshape = (backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo =>
  run(backend, 'Reshape', { x }, { shape });

export const transpose = (backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo =>
  run(backend, 'Transpose', { x }, { perm });

export const pad = (backend: BackendWasm, x: TensorInfo, paddings: Array<[number, number]>): TensorInfo =>
  run(backend, 'PadV2', { x }, { paddings, constantValue: 0 });

/** Plain (no transpose flags) batched matMul on the XNNPACK path. */
export const matMul = (backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo =>
  run(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });

const heapRecord = (backend: BackendWasm, t: TensorInfo) => backend.dataIdMap.get(t.dataId);

/** The byte address of `t`'s data in the WASM heap (what the engine's kernels take). */
/** tfjs-backend-wasm's own malloc and free: scratch buffers on its heap, for the engine's kernels. */
export interface Heap {
  _malloc(bytes: number): number;
  _free(address: number): void;
}
export const heap = (backend: BackendWasm): Heap => backend.wasm as unknown as Heap;

export const addressOf = (backend: BackendWasm, t: TensorInfo): number => heapRecord(backend, t).memoryOffset;

/**
 * A zero-copy view of `x`'s memory from element `offset` on, with `shape`, as a tensor the WASM
 * kernels accept. Release it with `freeView` (never `free`), and before x is freed.
 */
export function heapView(backend: BackendWasm, x: TensorInfo, offset: number, shape: number[]): TensorInfo {
  if (x.dtype !== 'float32') throw new Error(`heapView: x must be float32, got ${x.dtype}`);
  const size = shapeSize(x.shape);
  const viewSize = shapeSize(shape);
  if (offset < 0 || offset + viewSize > size) {
    throw new Error(`heapView: elements [${offset}, ${offset + viewSize}) outside x's ${size}`);
  }
  return backend.makeOutput(shape, 'float32', heapRecord(backend, x).memoryOffset + offset * 4);
}

/** A `heapView` of rows [start, start + rows) of `x` (rows along axis 0). */
export function rowView(backend: BackendWasm, x: TensorInfo, start: number, rows: number): TensorInfo {
  const rowSize = shapeSize(x.shape.slice(1));
  const first = x.shape[0] ?? 0;
  if (start < 0 || rows < 0 || start + rows > first) {
    throw new Error(`rowView: rows [${start}, ${start + rows}) outside x's ${first} rows`);
  }
  return heapView(backend, x, start * rowSize, [rows, ...x.shape.slice(1)]);
}

/** Releases a `heapView` or `rowView` without freeing the memory it shares. */
export function freeView(backend: BackendWasm, view: TensorInfo): void {
  // Not backend.disposeData: that would free the memory the view shares with its tensor.
  backend.wasm.tfjs.disposeData(heapRecord(backend, view).id);
  backend.dataIdMap.delete(view.dataId);
}

/**
 * Zero-pads the H and W axes of an NHWC float32 tensor by copying whole W·C rows from heap
 * views (the stock PadV2 kernel walks element by element and is ~10× slower here).
 */
export function padHW(backend: BackendWasm, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const hp = h + top + bottom;
  const wp = w + left + right;
  const out = backend.makeOutput([n, hp, wp, c], 'float32');
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  if (top + bottom + left + right > 0) dst.fill(0);
  const row = w * c;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const from = (i * h + y) * row;
      dst.set(src.subarray(from, from + row), ((i * hp + y + top) * wp + left) * c);
    }
  }
  return out;
}
