// BackpropBatchNormForward / BackpropBatchNormBackward: BatchNorm's training forward and its
// closed-form backward over the rows of x [M, C], fused on the engine (assembly/batch-norm.ts).
// WASM with the engine only; ops/batch-norm.ts says when they are there.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor, type Engine } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf } from './wasm-ops.js';
import { shapeStr } from '../checks.js';

export const BATCH_NORM_FORWARD = 'BackpropBatchNormForward';
export const BATCH_NORM_BACKWARD = 'BackpropBatchNormBackward';

function check(op: string, m: number, c: number, named: Record<string, TensorInfo>, matrices: string[]): void {
  for (const [name, t] of Object.entries(named)) {
    const want = matrices.includes(name) ? [m, c] : [c];
    if (t.dtype !== 'float32' || t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new Error(`${op}: ${name} must be float32 ${shapeStr(want)}, got ${t.dtype} ${shapeStr(t.shape)}`);
    }
  }
}

function engineOf(op: string, backend: BackendWasm): Engine {
  const engine = engineFor(backend);
  if (engine == null) throw new Error(`${op}: needs Backprop's engine on the wasm backend`);
  return engine;
}

/** Channel ranges per thread, whole cache lines of 16 channels (the passes walk rows in memory order). */
const channelBlocks = (engine: Engine, m: number, c: number) => splitRange(c, m * c < 1 << 16 ? 1 : engine.threads, 16);

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
  const { eps } = attrs as unknown as { eps: number };
  if (x.shape.length !== 2) throw new Error(`${BATCH_NORM_FORWARD}: x must be [M, C], got ${shapeStr(x.shape)}`);
  const [m, c] = x.shape as [number, number];
  check(BATCH_NORM_FORWARD, m, c, { x, gamma, beta }, ['x']);
  const engine = engineOf(BATCH_NORM_FORWARD, wasm);
  const outs = [[m, c], [c], [c], [c]].map((s) => wasm.makeOutput(s, 'float32')); // y, mean, var, invStd
  const args = [addressOf(wasm, x), m, c, addressOf(wasm, gamma), addressOf(wasm, beta), eps, ...outs.map((t) => addressOf(wasm, t))];
  engine.run('batchNormForward', channelBlocks(engine, m, c).map(([c0, c1]) => [...args, c0, c1]));
  return outs;
};

const backward: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as BackendWasm;
  const { dy, x, gamma, mean, invStd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'invStd', TensorInfo>;
  if (dy.shape.length !== 2) throw new Error(`${BATCH_NORM_BACKWARD}: dy must be [M, C], got ${shapeStr(dy.shape)}`);
  const [m, c] = dy.shape as [number, number];
  check(BATCH_NORM_BACKWARD, m, c, { dy, x, gamma, mean, invStd }, ['dy', 'x']);
  const engine = engineOf(BATCH_NORM_BACKWARD, wasm);
  const outs = [[m, c], [c], [c]].map((s) => wasm.makeOutput(s, 'float32')); // dx, dγ, dβ
  const args = [addressOf(wasm, dy), addressOf(wasm, x), m, c, addressOf(wasm, gamma), addressOf(wasm, mean), addressOf(wasm, invStd), ...outs.map((t) => addressOf(wasm, t))];
  engine.run('batchNormBackward', channelBlocks(engine, m, c).map(([c0, c1], t) => [...args, c0, c1, engine.scratch[t]!]));
  return outs;
};

export const batchNormForwardConfig: KernelConfig = { kernelName: BATCH_NORM_FORWARD, backendName: 'wasm', kernelFunc: forward };
export const batchNormBackwardConfig: KernelConfig = { kernelName: BATCH_NORM_BACKWARD, backendName: 'wasm', kernelFunc: backward };
