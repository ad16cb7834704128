// One fused SGD step for a parameter: param' (and buf' with momentum) from param, its gradient
// and the momentum buffer. On WASM with the engine: one pass (kernels/sgd-update.ts). Elsewhere:
// null, and the caller runs its op-by-op update (the same bits).
import { tf } from '../tf.js';
import { engineFor } from '../engine/engine.js';
import { SGD_UPDATE, type SgdUpdateAttrs } from '../kernels/sgd-update.js';
import { trainingKernelsEnabled } from '../register-kernels.js';

export type { SgdUpdateAttrs };

/** Whether `fusedSgdUpdate` runs on the current backend. */
export const fusedSgdAvailable = (): boolean => trainingKernelsEnabled() && engineFor(tf.backend()) != null;

/**
 * [param'] (momentum 0) or [param', buf'] — buf' is d itself on the first momentum step (pass no
 * buf), as torch.optim.SGD starts its buffer. Null where the fused kernel does not run.
 */
export function fusedSgdUpdate(param: tf.Tensor, grad: tf.Tensor, buf: tf.Tensor | null, attrs: SgdUpdateAttrs): tf.Tensor[] | null {
  if (!fusedSgdAvailable()) return null;
  const inputs: tf.NamedTensorMap = buf == null ? { param, grad } : { param, grad, buf };
  return tf.engine().runKernel(SGD_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
