// Registers Backprop's WASM kernels: the missing ones, and fast paths that replace slow stock
// kernels (the stock config's setupFunc is kept, so the stock kernel stays callable as fallback).
import { getKernel, registerGradient, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { adamUpdateConfig, adamUpdateMomentsInPlaceConfig } from './kernels/adam-update.js';
import { addConfig } from './kernels/add.js';
import { batchMatMulConfig } from './kernels/batch-mat-mul.js';
import { batchNormBackwardConfig, batchNormForwardConfig, batchNormRunningStatsConfig } from './kernels/batch-norm.js';
import { conv2dAddResidualConfig, conv2dConfig, fusedConv2dConfig } from './kernels/conv2d.js';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { identityConfig } from './kernels/identity.js';
import { maxPoolConfig } from './kernels/max-pool.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { maximumConfig, minimumConfig } from './kernels/min-max.js';
import { reluGradConfig, reluGradientConfig } from './kernels/relu-grad.js';
import { sgdUpdateConfig } from './kernels/sgd-update.js';
import { sliceConfig } from './kernels/slice.js';
import { sumConfig } from './kernels/sum.js';
import { rememberStock } from './kernels/wasm-ops.js';
import { conv2dAddResidualGradientConfig, conv2dGradientConfig } from './ops/conv2d.js';

/** Kernels Backprop adds to the WASM backend (tfjs has none for these). */
export const addedKernels: KernelConfig[] = [conv2dBackpropFilterConfig, adamUpdateConfig, adamUpdateMomentsInPlaceConfig, sgdUpdateConfig, batchNormForwardConfig, batchNormBackwardConfig, batchNormRunningStatsConfig, reluGradConfig, conv2dAddResidualConfig];
/** Kernels Backprop replaces with faster versions built on XNNPACK's GEMM and conv. */
export const fastPathKernels: Array<Omit<KernelConfig, 'setupFunc'>> = [
  batchMatMulConfig,
  conv2dConfig,
  fusedConv2dConfig,
  conv2dBackpropInputConfig,
  sliceConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  maximumConfig,
  minimumConfig,
  addConfig,
];

let enabled = false;

/** Installs Backprop's WASM kernels (done once on import of `@backprop/tensor`). */
export function registerTrainingKernels(): void {
  setTrainingKernels(true);
  // Relu's gradient as one engine pass where BackpropReluGrad is registered (kernels/relu-grad.ts);
  // it falls back to tfjs's own formula elsewhere, so it stays installed when the kernels are off.
  registerGradient(reluGradientConfig);
  // FusedConv2D's gradient, one lazy function per input, for ops/conv2d.ts on any backend.
  registerGradient(conv2dGradientConfig);
  registerGradient(conv2dAddResidualGradientConfig);
}

/**
 * Switches between Backprop's WASM kernels and stock tfjs-backend-wasm (for benchmarks and
 * comparisons). With them off, conv training fails as it does with stock tfjs.
 */
export function setTrainingKernels(on: boolean): void {
  if (on === enabled) return;
  enabled = on;
  for (const config of addedKernels) {
    const present = getKernel(config.kernelName, 'wasm') != null;
    if (on && !present) registerKernel(config);
    if (!on && present) unregisterKernel(config.kernelName, 'wasm');
  }
  for (const config of fastPathKernels) {
    const stock = rememberStock(config.kernelName);
    if (stock == null) throw new Error(`setTrainingKernels: stock WASM kernel '${config.kernelName}' not found`);
    unregisterKernel(config.kernelName, 'wasm');
    registerKernel(on ? { ...stock, kernelFunc: config.kernelFunc } : stock);
  }
}

export const trainingKernelsEnabled = (): boolean => enabled;
