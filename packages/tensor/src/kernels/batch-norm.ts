// BackpropBatchNormForward / BackpropBatchNormBackward: BatchNorm's training forward and its
// closed-form backward over the rows of x [M, C], fused on the engine (assembly/batch-norm.ts);
// with attr `relu`, the forward is ReLU(BatchNorm(x)) and the backward takes that output as
// `reluOut` and goes through the ReLU first. WASM with the engine only; ops/batch-norm.ts says
// when they are there.
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

/**
 * Channel ranges per thread for the sums (each sum one chain over the rows, whatever the split): a
 * thread only gets channels when each gets ≥ 64 (256-byte pieces of a row; with less, two threads
 * reading halves of the same rows ran slower than one).
 */
const channelBlocks = (engine: Engine, m: number, c: number) => splitRange(c, m * c < 1 << 16 || c < 128 ? 1 : engine.threads, 64);
/** Row ranges per thread for the elementwise pass (y or dx). */
const rowBlocks = (engine: Engine, m: number, c: number) => splitRange(m, m * c < 1 << 16 ? 1 : engine.threads, 1);

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
  const { eps, relu = false } = attrs as unknown as { eps: number; relu?: boolean };
  if (x.shape.length !== 2) throw new Error(`${BATCH_NORM_FORWARD}: x must be [M, C], got ${shapeStr(x.shape)}`);
  const [m, c] = x.shape as [number, number];
  check(BATCH_NORM_FORWARD, m, c, { x, gamma, beta }, ['x']);
  const engine = engineOf(BATCH_NORM_FORWARD, wasm);
  const outs = [[m, c], [c], [c], [c]].map((s) => wasm.makeOutput(s, 'float32')); // y, mean, var, invStd
  const [y, mean, variance, invStd] = outs.map((t) => addressOf(wasm, t)) as [number, number, number, number];
  const xAt = addressOf(wasm, x);
  engine.run('batchNormStats', channelBlocks(engine, m, c).map(([c0, c1]) => [xAt, m, c, eps, mean, variance, invStd, c0, c1]));
  const normalize = [xAt, c, addressOf(wasm, gamma), addressOf(wasm, beta), mean, invStd, y, relu ? 1 : 0];
  engine.run('batchNormNormalize', rowBlocks(engine, m, c).map(([r0, r1]) => [...normalize, r0, r1]));
  return outs;
};

const backward: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as BackendWasm;
  const { dy, x, gamma, mean, invStd } = inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'invStd', TensorInfo>;
  const reluOut = (inputs as { reluOut?: TensorInfo }).reluOut;
  if (dy.shape.length !== 2) throw new Error(`${BATCH_NORM_BACKWARD}: dy must be [M, C], got ${shapeStr(dy.shape)}`);
  const [m, c] = dy.shape as [number, number];
  check(BATCH_NORM_BACKWARD, m, c, reluOut ? { dy, x, gamma, mean, invStd, reluOut } : { dy, x, gamma, mean, invStd }, ['dy', 'x', 'reluOut']);
  const engine = engineOf(BATCH_NORM_BACKWARD, wasm);
  // Each thread's GEMM scratch holds its running dβ, dγ sums and then k = γ·r/M: 2 floats a channel (~630 KB: 78k channels).
  if (c * 8 > engine.scratchBytes) throw new Error(`${BATCH_NORM_BACKWARD}: at most ${Math.floor(engine.scratchBytes / 8)} channels on the engine, got ${c}`);
  const outs = [[m, c], [c], [c]].map((s) => wasm.makeOutput(s, 'float32')); // dx, dγ, dβ
  const [dx, dGamma, dBeta] = outs.map((t) => addressOf(wasm, t)) as [number, number, number];
  const [dyAt, xAt, meanAt, invStdAt] = [dy, x, mean, invStd].map((t) => addressOf(wasm, t)) as [number, number, number, number];
  const reluAt = reluOut ? addressOf(wasm, reluOut) : 0; // 0: no ReLU (the engine reads no tensor at address 0)
  engine.run('batchNormGradSums', channelBlocks(engine, m, c).map(([c0, c1], t) => [dyAt, xAt, m, c, meanAt, invStdAt, dGamma, dBeta, reluAt, c0, c1, engine.scratch[t]!]));
  const inputGrad = [dyAt, xAt, m, c, addressOf(wasm, gamma), meanAt, invStdAt, dGamma, dBeta, dx, reluAt];
  engine.run('batchNormInputGrad', rowBlocks(engine, m, c).map(([r0, r1], t) => [...inputGrad, r0, r1, engine.scratch[t]!]));
  return outs;
};

export const batchNormForwardConfig: KernelConfig = { kernelName: BATCH_NORM_FORWARD, backendName: 'wasm', kernelFunc: forward };
export const batchNormBackwardConfig: KernelConfig = { kernelName: BATCH_NORM_BACKWARD, backendName: 'wasm', kernelFunc: backward };
