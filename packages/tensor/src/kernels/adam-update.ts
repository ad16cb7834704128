// BackpropAdamUpdate: one Adam step of one parameter as a single pass (assembly/adam.ts), bit-
// identical to tfjs's AdamOptimizer. Inputs param, grad, m, v; outputs [param', m', v'] (new
// tensors: the caller assigns them, so nothing that shares the old buffers sees them change).
// WASM with the engine only; the op in ops/adam-update.ts falls back to tfjs ops elsewhere.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf } from './wasm-ops.js';
import { shapeStr } from '../checks.js';
import { shapeSize } from '../checks.js';

export const ADAM_UPDATE = 'BackpropAdamUpdate';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ as tfjs computes them (float32 tensors, read as numbers). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  eps: number;
  lr: number;
}

const adamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { param, grad, m, v } = inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  const a = attrs as unknown as AdamUpdateAttrs;
  const engine = engineFor(wasm);
  if (engine == null) throw new Error(`${ADAM_UPDATE}: needs Backprop's engine on the wasm backend`);
  const size = shapeSize(param.shape);
  for (const [name, t] of [['grad', grad], ['m', m], ['v', v]] as const) {
    if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i]) || t.dtype !== 'float32') {
      throw new Error(`${ADAM_UPDATE}: ${name} must be float32 ${shapeStr(param.shape)} like param, got ${t.dtype} ${shapeStr(t.shape)}`);
    }
  }
  const outs = [param, m, v].map((t) => wasm.makeOutput([...t.shape], 'float32'));
  const addresses = [param, grad, m, v, ...outs].map((t) => addressOf(wasm, t));
  const scalars = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.oneMinusAccBeta1, a.oneMinusAccBeta2, a.eps, -a.lr];
  const threads = size < 1 << 16 ? 1 : engine.threads;
  engine.run('adamUpdate', splitRange(size, threads, 4).map(([i0, i1]) => [...addresses, ...scalars, i0, i1]));
  return outs;
};

export const adamUpdateConfig: KernelConfig = { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: adamUpdate };
