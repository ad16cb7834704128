// Conversions between this library's storage layout and PyTorch's (see TorchLayout).
import { tf } from '@backprop/tensor';
import type { TorchLayout } from './module.js';

/** This library's layout → PyTorch's. [kh, kw, in, out] → [out, in, kh, kw] for conv weights. */
export function toTorchLayout(t: tf.Tensor, layout: TorchLayout): tf.Tensor {
  return layout === 'conv2d-hwio' ? tf.transpose(t, [3, 2, 0, 1]) : t.clone();
}

/** PyTorch's layout → this library's. [out, in, kh, kw] → [kh, kw, in, out] for conv weights. */
export function fromTorchLayout(t: tf.Tensor, layout: TorchLayout): tf.Tensor {
  return layout === 'conv2d-hwio' ? tf.transpose(t, [2, 3, 1, 0]) : t.clone();
}

/** A shape in PyTorch's layout. */
export function torchShape(shape: readonly number[], layout: TorchLayout): number[] {
  if (layout !== 'conv2d-hwio') return [...shape];
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  return [cout, cin, kh, kw];
}
