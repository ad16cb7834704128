// One fused Adam step for a parameter: [param', m', v'] from param, its gradient and the moments.
// On WASM with the engine: one pass (kernels/adam-update.ts). Elsewhere: null, and the caller
// runs tfjs's own update.
import { tf } from '../tf.js';
import { engineFor } from '../engine/engine.js';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../kernels/adam-update.js';
import { trainingKernelsEnabled } from '../register-kernels.js';

export type { AdamUpdateAttrs };

/** Whether `fusedAdamUpdate` runs on the current backend. */
export const fusedAdamAvailable = (): boolean => trainingKernelsEnabled() && engineFor(tf.backend()) != null;

export function fusedAdamUpdate(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (!fusedAdamAvailable()) return null;
  return tf.engine().runKernel(ADAM_UPDATE, { param, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
