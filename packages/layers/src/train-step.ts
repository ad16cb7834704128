// One training step: forward, loss, fresh gradients, optimizer update, with nothing left on the
// tfjs heap except the updated parameters (and the optimizer's state, created on its first step).
import type { tf } from '@backprop/tensor';
import type { Target } from './cross-entropy-loss.js';
import type { Module } from './module.js';
import type { Optimizer } from './optimizer.js';

/** Anything with PyTorch's `criterion(output, target)` shape, e.g. `new CrossEntropyLoss()`. */
export interface Criterion {
  forward(output: tf.Tensor, target: Target): tf.Tensor;
}

/**
 * Runs one step of `optimizer` on `criterion(model(x), y)` and returns the loss as a number.
 * Uses the model's current mode; call `model.train()` first for batch statistics.
 */
export function trainStep(model: Module, criterion: Criterion, x: tf.Tensor, y: Target, optimizer: Optimizer): number {
  const cost = optimizer.step(() => criterion.forward(model.forward(x), y) as tf.Scalar);
  const value = cost.dataSync()[0]!;
  cost.dispose();
  return value;
}
