// BackpropAdamUpdate: one Adam step of one parameter as a single pass (assembly/adam.ts), bit-
// identical to tfjs's AdamOptimizer. Inputs param, grad, m, v; outputs [param', m', v'] (new
// tensors: the caller assigns them, so nothing that shares the old buffers sees them change).
// BackpropAdamUpdateMomentsInPlace: the same bits, with m', v' written over m, v (below).
// WASM with the engine only; the op in ops/adam-update.ts falls back to tfjs ops elsewhere.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor, type Engine } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf } from './wasm-ops.js';
import { shapeSize, shapeStr } from '../checks.js';

export const ADAM_UPDATE = 'BackpropAdamUpdate';
export const ADAM_UPDATE_IN_PLACE = 'BackpropAdamUpdateMomentsInPlace';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ as tfjs computes them (float32 tensors, read as numbers). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  eps: number;
  lr: number;
}

/** The engine and the element count, with grad, m, v checked against param. */
function checked(op: string, backend: BackendWasm, { param, grad, m, v }: Record<'param' | 'grad' | 'm' | 'v', TensorInfo>): [Engine, number] {
  const engine = engineFor(backend);
  if (engine == null) throw new Error(`${op}: needs Backprop's engine on the wasm backend`);
  for (const [name, t] of [['grad', grad], ['m', m], ['v', v]] as const) {
    if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i]) || t.dtype !== 'float32') {
      throw new Error(`${op}: ${name} must be float32 ${shapeStr(param.shape)} like param, got ${t.dtype} ${shapeStr(t.shape)}`);
    }
  }
  return [engine, shapeSize(param.shape)];
}

/** One pass over [i0, i1) ranges of the engine's threads: p, g, m, v read; p', m', v' written at the given addresses. */
function run(engine: Engine, size: number, inputs: number[], outputs: number[], a: AdamUpdateAttrs): void {
  const scalars = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.oneMinusAccBeta1, a.oneMinusAccBeta2, a.eps, -a.lr];
  const threads = size < 1 << 16 ? 1 : engine.threads;
  engine.run('adamUpdate', splitRange(size, threads, 4).map(([i0, i1]) => [...inputs, ...outputs, ...scalars, i0, i1]));
}

const adamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const named = inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  const [engine, size] = checked(ADAM_UPDATE, wasm, named);
  const { param, grad, m, v } = named;
  const outs = [param, m, v].map((t) => wasm.makeOutput([...t.shape], 'float32'));
  run(engine, size, [param, grad, m, v].map((t) => addressOf(wasm, t)), outs.map((t) => addressOf(wasm, t)), attrs as unknown as AdamUpdateAttrs);
  return outs;
};

/**
 * The same step with m and v written where they lie: only param' is a new tensor (the weights must
 * move to a new buffer: caches of transformed filters are keyed by it). Writing two fewer new
 * tensors of the parameter's size saved 3–4 ms of the CNN's 15–19 ms Adam pass on 2 threads (new
 * memory is read before it is written). Refuses m or v whose memory another tensor shares (a clone
 * or a reshape: refCount > 1), which must not see them change.
 */
const adamUpdateMomentsInPlace: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const named = inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  const [engine, size] = checked(ADAM_UPDATE_IN_PLACE, wasm, named);
  const { param, grad, m, v } = named;
  for (const [name, t] of [['m', m], ['v', v]] as const) {
    if (!movesInPlace(wasm, t)) throw new Error(`${ADAM_UPDATE_IN_PLACE}: ${name}'s memory is shared by ${wasm.refCount(t.dataId) - 1} other tensor(s); update it out of place (${ADAM_UPDATE})`);
  }
  if (m.dataId === v.dataId || [param, grad].some((t) => t.dataId === m.dataId || t.dataId === v.dataId)) {
    throw new Error(`${ADAM_UPDATE_IN_PLACE}: m and v must be tensors of their own, not param, grad or each other`);
  }
  const out = wasm.makeOutput([...param.shape], 'float32');
  const [pAt, gAt, mAt, vAt] = [param, grad, m, v].map((t) => addressOf(wasm, t)) as [number, number, number, number];
  run(engine, size, [pAt, gAt, mAt, vAt], [addressOf(wasm, out), mAt, vAt], attrs as unknown as AdamUpdateAttrs);
  return out;
};

/** Whether t's memory is its own (no clone or reshape shares it), so an in-place update is seen by no other tensor. */
export const movesInPlace = (backend: BackendWasm, t: TensorInfo): boolean => backend.refCount(t.dataId) === 1;

export const adamUpdateConfig: KernelConfig = { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: adamUpdate };
export const adamUpdateMomentsInPlaceConfig: KernelConfig = { kernelName: ADAM_UPDATE_IN_PLACE, backendName: 'wasm', kernelFunc: adamUpdateMomentsInPlace };
