// One fused Adam step for a parameter: [param', m', v'] from param, its gradient and the moments.
// On WASM with the engine: one pass (kernels/adam-update.ts). Elsewhere: null, and the caller
// runs tfjs's own update.
import { tf } from '../tf.js';
import { engineFor } from '../engine/engine.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ADAM_UPDATE, ADAM_UPDATE_IN_PLACE, movesInPlace, type AdamUpdateAttrs } from '../kernels/adam-update.js';
import { trainingKernelsEnabled } from '../register-kernels.js';

export type { AdamUpdateAttrs };

/** Whether `fusedAdamUpdate` runs on the current backend. */
export const fusedAdamAvailable = (): boolean => trainingKernelsEnabled() && engineFor(tf.backend()) != null;

export function fusedAdamUpdate(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (!fusedAdamAvailable()) return null;
  return tf.engine().runKernel(ADAM_UPDATE, { param, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/**
 * The same step with the moments m and v updated where they lie (tf.Variables keep their buffers);
 * returns param' only. Null where the fused kernel does not run, or where another tensor shares m's
 * or v's memory (a clone, a reshape), which must not see them change: then use fusedAdamUpdate.
 */
export function fusedAdamUpdateMomentsInPlace(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): tf.Tensor | null {
  if (!fusedAdamAvailable()) return null;
  const backend = tf.backend() as unknown as BackendWasm;
  if (!movesInPlace(backend, m) || !movesInPlace(backend, v)) return null;
  return tf.engine().runKernel(ADAM_UPDATE_IN_PLACE, { param, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
