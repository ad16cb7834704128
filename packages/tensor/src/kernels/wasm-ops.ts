// Backend-level helpers for kernels that are built from other WASM kernels. They work on
// TensorInfo (not engine-tracked Tensors): every intermediate must be freed with `free`.
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

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
