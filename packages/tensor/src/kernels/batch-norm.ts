// BackpropBatchNormForward / BackpropBatchNormBackward: BatchNorm's training forward and its
// closed-form backward over the rows of x [M, C], fused on the engine (assembly/batch-norm.ts);
// with attr `relu`, the forward is ReLU(BatchNorm(x)) and the backward takes that output as
// `reluOut` and goes through the ReLU first. WASM with the engine only; ops/batch-norm.ts says
// when they are there.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor, type Engine, type EngineFunctionName } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf, heap } from './wasm-ops.js';
import { shapeStr } from '../checks.js';

export const BATCH_NORM_FORWARD = 'BackpropBatchNormForward';
export const BATCH_NORM_BACKWARD = 'BackpropBatchNormBackward';
export const BATCH_NORM_RUNNING_STATS = 'BackpropBatchNormRunningStats';

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

/** Floats of x per row block of the sums: a block's rows (three streams of them backward) stay in L2. */
const BLOCK_FLOATS = 16384;
/**
 * Rows per block of the sums (assembly/batch-norm.ts): from C alone, so the bits are the same on
 * any number of threads. 256 rows of a 64-channel activation, 32 of a 512-channel one.
 */
export const sumBlockRows = (c: number): number => Math.max(16, Math.floor(BLOCK_FLOATS / c));

/**
 * Runs `job` (its arguments, then the block range b0, b1) over the row blocks of [M, C] — split
 * between the threads where there are two or more blocks and enough work — writing float64 partials
 * of `width` per block, then `finish` on the calling thread, which adds them in block order. The
 * partials live in the calling thread's GEMM scratch (no GEMM runs meanwhile) or, past its size, in
 * a heap allocation.
 */
function blockedSums(
  wasm: BackendWasm, engine: Engine, m: number, c: number, width: number,
  job: EngineFunctionName, jobArgs: (partials: number, blockRows: number) => number[],
  finish: EngineFunctionName, finishArgs: (partials: number, blocks: number) => number[],
): void {
  const blockRows = sumBlockRows(c);
  const blocks = Math.ceil(m / blockRows);
  const bytes = blocks * width * 8;
  const partials = bytes <= engine.scratchBytes ? engine.scratch[0]! : heap(wasm)._malloc(bytes);
  const threads = blocks < 2 || m * c < 1 << 16 ? 1 : engine.threads;
  const args = jobArgs(partials, blockRows);
  engine.run(job, splitRange(blocks, threads, 1).map(([b0, b1]) => [...args, b0, b1]));
  engine.call(finish, ...finishArgs(partials, blocks));
  if (partials !== engine.scratch[0]) heap(wasm)._free(partials);
}

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
  // μ from the block sums of x, then σ² and 1/√(σ² + ε) from those of (x − μ)².
  blockedSums(wasm, engine, m, c, c, 'batchNormStatsBlocks', (p, rows) => [xAt, m, c, rows, 0, p], 'batchNormMeanFromBlocks', (p, blocks) => [p, blocks, m, c, mean]);
  blockedSums(wasm, engine, m, c, c, 'batchNormStatsBlocks', (p, rows) => [xAt, m, c, rows, mean, p], 'batchNormVarianceFromBlocks', (p, blocks) => [p, blocks, m, c, eps, variance, invStd]);
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
  // Each thread's GEMM scratch holds k = γ·r/M for the input gradient: a float a channel.
  if (c * 4 > engine.scratchBytes) throw new Error(`${BATCH_NORM_BACKWARD}: at most ${Math.floor(engine.scratchBytes / 4)} channels on the engine, got ${c}`);
  const outs = [[m, c], [c], [c]].map((s) => wasm.makeOutput(s, 'float32')); // dx, dγ, dβ
  const [dx, dGamma, dBeta] = outs.map((t) => addressOf(wasm, t)) as [number, number, number];
  const [dyAt, xAt, meanAt, invStdAt] = [dy, x, mean, invStd].map((t) => addressOf(wasm, t)) as [number, number, number, number];
  const reluAt = reluOut ? addressOf(wasm, reluOut) : 0; // 0: no ReLU (the engine reads no tensor at address 0)
  blockedSums(wasm, engine, m, c, 2 * c, 'batchNormGradBlocks', (p, rows) => [dyAt, xAt, m, c, meanAt, invStdAt, reluAt, rows, p], 'batchNormGradFromBlocks', (p, blocks) => [p, blocks, c, dGamma, dBeta]);
  const inputGrad = [dyAt, xAt, m, c, addressOf(wasm, gamma), meanAt, invStdAt, dGamma, dBeta, dx, reluAt];
  engine.run('batchNormInputGrad', rowBlocks(engine, m, c).map(([r0, r1], t) => [...inputGrad, r0, r1, engine.scratch[t]!]));
  return outs;
};

/**
 * The running statistics' move towards the batch's, as @backprop/layers' BatchNorm writes it with
 * tfjs ops (and PyTorch): running' = running·(1 − m) + batch·m, the variance's batch term the unbiased
 * σ²·count/(count − 1) — seven small kernels a BatchNorm, 70 a CNN step (~2 ms of dispatch on 2
 * threads), here one pass over C floats in JS. Every step is a float64 operation on float32 values
 * rounded to float32 (Math.fround), which gives the float32 operation's own result (53 ≥ 2·24 + 2
 * bits: double rounding is exact for +, −, ×), with the scalars rounded to float32 as tfjs's scalar
 * tensors are: the same bits as the ops.
 */
const runningStats: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { runningMean, runningVar, mean, variance } = inputs as Record<'runningMean' | 'runningVar' | 'mean' | 'variance', TensorInfo>;
  const { momentum, count } = attrs as unknown as { momentum: number; count: number };
  const c = runningMean.shape[0] ?? 0;
  if (runningMean.shape.length !== 1) throw new Error(`${BATCH_NORM_RUNNING_STATS}: runningMean must be [C], got ${shapeStr(runningMean.shape)}`);
  check(BATCH_NORM_RUNNING_STATS, 0, c, { runningMean, runningVar, mean, variance }, []);
  const f = Math.fround;
  const [keep, take, unbias] = [f(1 - momentum), f(momentum), f(count / (count - 1))];
  const outs = [wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const [rm, rv, mu, v, rm2, rv2] = [runningMean, runningVar, mean, variance, ...outs].map((t) => wasm.typedArrayFromHeap(t) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let j = 0; j < c; j++) {
    rm2[j] = f(rm[j]! * keep) + f(mu[j]! * take);
    rv2[j] = f(rv[j]! * keep) + f(f(v[j]! * unbias) * take);
  }
  return outs;
};

export const batchNormForwardConfig: KernelConfig = { kernelName: BATCH_NORM_FORWARD, backendName: 'wasm', kernelFunc: forward };
export const batchNormBackwardConfig: KernelConfig = { kernelName: BATCH_NORM_BACKWARD, backendName: 'wasm', kernelFunc: backward };
export const batchNormRunningStatsConfig: KernelConfig = { kernelName: BATCH_NORM_RUNNING_STATS, backendName: 'wasm', kernelFunc: runningStats };
