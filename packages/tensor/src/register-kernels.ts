// Registers Backprop's WASM kernels: the missing ones, and fast paths that replace slow stock
// kernels (the stock config's setupFunc is kept, so the stock kernel stays callable as fallback).
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './kernels/batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { rememberStock } from './kernels/wasm-ops.js';

/** Kernels Backprop adds to the WASM backend (tfjs has none for these). */
export const addedKernels: KernelConfig[] = [conv2dBackpropFilterConfig];
/** Kernels Backprop replaces with faster versions built on XNNPACK's GEMM and conv. */
export const fastPathKernels: Array<Omit<KernelConfig, 'setupFunc'>> = [batchMatMulConfig, conv2dBackpropInputConfig];

let registered = false;

export function registerTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of addedKernels) {
    if (getKernel(config.kernelName, 'wasm') == null) registerKernel(config);
  }
  for (const config of fastPathKernels) {
    const stock = rememberStock(config.kernelName);
    if (stock == null) throw new Error(`registerTrainingKernels: stock WASM kernel '${config.kernelName}' not found`);
    unregisterKernel(config.kernelName, 'wasm');
    registerKernel({ ...stock, kernelFunc: config.kernelFunc });
  }
}
