// Gradients of a loss with respect to a module's parameters, keyed by PyTorch names.
import { tf } from '@backprop/tensor';
import type { Module } from './module.js';
import { toTorchLayout } from './torch-layout.js';

export interface NamedGradients {
  /** The loss value (the caller disposes it). */
  value: tf.Scalar;
  /** Gradient per parameter name, e.g. `features.0.weight` (the caller disposes them). */
  grads: Map<string, tf.Tensor>;
}

/**
 * Evaluates `loss` and returns fresh gradients for every parameter of `module` (a new tape each
 * call: nothing accumulates). With `torchLayout`, conv weight gradients come in PyTorch's
 * [out, in, kh, kw] layout instead of the stored [kh, kw, in, out].
 */
export function namedGradients(module: Module, loss: () => tf.Scalar, { torchLayout = false } = {}): NamedGradients {
  const entries = module.stateEntries().filter((e) => e.kind === 'parameter');
  const { value, grads } = tf.variableGrads(loss, entries.map((e) => e.variable));
  const out = new Map<string, tf.Tensor>();
  for (const e of entries) {
    const g = grads[e.variable.name];
    // A parameter the loss does not reach gets a zero gradient, as PyTorch would report after zero_grad.
    const grad = g ?? tf.zerosLike(e.variable);
    if (torchLayout && e.layout !== 'same') {
      out.set(e.name, toTorchLayout(grad, e.layout));
      grad.dispose();
    } else {
      out.set(e.name, grad);
    }
  }
  return { value, grads: out };
}
