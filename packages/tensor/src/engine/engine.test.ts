// The engine's GEMM and column sums against tfjs-backend-cpu on edge shapes (1×1, odd sizes,
// every transpose, batches and broadcasting), in both builds (FMA and mul+add), and bit-identical
// for 1 and 2 threads (tfjs's threaded build: shared memory). No tensor or heap leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngines, stopTestEngines } from './test-engines.js';
import { tf } from '../tf.js';
import { engineSpinChoice, initBackend } from '../backend.js';
import { sameBits, sameBitsUpToNaN, scaledError, seededNormals, valuesOn } from '../test/index.js';
import { useEngine, type Engine } from './engine.js';
import { SUM_BLOCK_ROWS, SUM_BLOCKED_MIN_ROWS } from './engine-ops.js';
import { fusedBatchNormBackward, fusedBatchNormForward } from '../ops/batch-norm.js';
import { sumBlockRows } from '../kernels/batch-norm.js';
import { relaxedSimdSupported } from './relaxed-simd.js';
import { shapeSize } from '../checks.js';


let twoThreads: Engine;
let oneThread: Engine;
let mulAdd: Engine;

beforeAll(async () => {
  ({ twoThreads, oneThread, mulAdd } = await startTestEngines());
});

afterAll(() => stopTestEngines({ twoThreads, oneThread, mulAdd }));

/** Runs fn on wasm with `engine`, returning its values (inputs built from plain arrays inside fn). */
async function onWasm(engine: Engine, fn: () => tf.Tensor): Promise<Float32Array> {
  useEngine(engine);
  return valuesOn('wasm', fn);
}

const onCpu = (fn: () => tf.Tensor): Promise<Float32Array> => valuesOn('cpu', fn);

interface MatMulCase {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
}

const matMulCases: MatMulCase[] = [];
// 1×1, odd sizes below and above the 6×8 tile, K across the 256-deep block, every transpose.
for (const [m, n, k] of [[1, 1, 1], [1, 7, 3], [5, 1, 9], [7, 9, 13], [13, 17, 300], [61, 70, 257], [200, 100, 512]] as const) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) matMulCases.push({ a: ta ? [k, m] : [m, k], b: tb ? [n, k] : [k, n], ta, tb });
  }
}
// Batches, and a batch of 1 broadcast against 3.
matMulCases.push({ a: [3, 10, 20], b: [3, 20, 9], ta: false, tb: false });
matMulCases.push({ a: [3, 20, 10], b: [1, 9, 20], ta: true, tb: true });
matMulCases.push({ a: [1, 4, 6], b: [2, 6, 5], ta: false, tb: false });
// Wider than one 512-column block of packed B, and one long reduction (the conv filter gradient).
matMulCases.push({ a: [30, 40], b: [40, 1100], ta: false, tb: false });
matMulCases.push({ a: [5000, 36], b: [5000, 16], ta: true, tb: false });

describe('engine GEMM (BatchMatMul)', () => {
  it.each(matMulCases)('a $a ᵀ$ta · b $b ᵀ$tb: equal to tfjs-cpu, same bits on 1 and 2 threads', async ({ a, b, ta, tb }) => {
    const fn = () => tf.matMul(tf.tensor(seededNormals(shapeSize(a), 1), a), tf.tensor(seededNormals(shapeSize(b), 2), b), ta, tb);
    const cpu = await onCpu(fn);
    const two = await onWasm(twoThreads, fn);
    const one = await onWasm(oneThread, fn);
    const fallback = await onWasm(mulAdd, fn);
    expect(scaledError(two, cpu)).toBeLessThan(1e-5);
    expect(scaledError(fallback, cpu)).toBeLessThan(1e-5);
    expect(sameBits(one, two)).toBe(true);
  });

  it('names the operands when the inner dimensions differ', async () => {
    useEngine(twoThreads);
    expect(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(/inner/);
  });
});

describe('engine column sums (Sum over all axes but the last)', () => {
  const cases: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
    { shape: [1, 1], axis: [0], keepDims: false },
    { shape: [7, 3], axis: [0], keepDims: true },
    { shape: [33, 37], axis: [0], keepDims: false },
    { shape: [32, 8, 8, 64], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 21], axis: [2, 0, 1], keepDims: true },
    { shape: [300, 1000], axis: [0], keepDims: false },
  ];
  it.each(cases)('x $shape over $axis: equal to tfjs-cpu, same bits on 1 and 2 threads', async ({ shape, axis, keepDims }) => {
    const fn = () => tf.sum(tf.tensor(seededNormals(shapeSize(shape), 3), shape), axis, keepDims);
    const cpu = await onCpu(fn);
    const two = await onWasm(twoThreads, fn);
    const one = await onWasm(oneThread, fn);
    expect(scaledError(two, cpu)).toBeLessThan(1e-5);
    expect(sameBits(one, two)).toBe(true);
  });

  it('sums each column as one float32 chain over the rows in order, across row blocks', async () => {
    // 2100 rows of 37 columns span several of the kernel's row blocks on 1 and on 2 threads.
    const [rows, cols] = [2100, 37];
    const values = seededNormals(rows * cols, 9).map((v, i) => v * (1 + (i % 7) * 1000));
    const expected = new Float32Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected[c] = Math.fround(expected[c]! + values[r * cols + c]!);
    const fn = () => tf.sum(tf.tensor(values, [rows, cols]), 0);
    for (const engine of [oneThread, twoThreads]) expect(sameBits(await onWasm(engine, fn), expected)).toBe(true);
  });

  it('sums tall matrices per block of rows, then the block sums in order: the same bits on 1 and 2 threads', async () => {
    // 4100 rows (16 blocks of 256 and one of 4) of 70 columns: past both thresholds of the blocked sum.
    const [rows, cols] = [4100, 70];
    expect(rows).toBeGreaterThanOrEqual(SUM_BLOCKED_MIN_ROWS);
    const values = seededNormals(rows * cols, 10).map((v, i) => v * (1 + (i % 7) * 1000));
    const expected = new Float32Array(cols);
    for (let r0 = 0; r0 < rows; r0 += SUM_BLOCK_ROWS) {
      const block = new Float32Array(cols);
      for (let r = r0; r < Math.min(rows, r0 + SUM_BLOCK_ROWS); r++) for (let c = 0; c < cols; c++) block[c] = Math.fround(block[c]! + values[r * cols + c]!);
      for (let c = 0; c < cols; c++) expected[c] = Math.fround(expected[c]! + block[c]!);
    }
    const chain = new Float32Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) chain[c] = Math.fround(chain[c]! + values[r * cols + c]!);
    expect(sameBits(chain, expected)).toBe(false); // the test tells the two orders apart
    const fn = () => tf.sum(tf.tensor(values, [rows, cols]), 0);
    for (const engine of [oneThread, twoThreads]) expect(sameBits(await onWasm(engine, fn), expected)).toBe(true);
    expect(scaledError(await onWasm(twoThreads, fn), await onCpu(fn))).toBeLessThan(1e-5);
  });

  it('leaves other reductions to the stock kernel (inner axis, all axes)', async () => {
    const inner = () => tf.sum(tf.tensor(seededNormals(60, 4), [6, 10]), 1);
    const all = () => tf.sum(tf.tensor(seededNormals(60, 4), [6, 10]));
    expect(scaledError(await onWasm(twoThreads, inner), await onCpu(inner))).toBeLessThan(1e-6);
    expect(scaledError(await onWasm(twoThreads, all), await onCpu(all))).toBeLessThan(1e-6);
  });
});

interface ConvCase {
  x: [number, number, number, number];
  k: number;
  outC: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

// The CNN's layer kinds at small batch, plus edge geometry: 1×1 images, odd sizes and channel
// counts, channels across an 8-column panel, strides, 'valid' padding, 5×5 kernels, many positions.
const convCases: ConvCase[] = [
  { x: [1, 1, 1, 1], k: 3, outC: 1, stride: 1, pad: 1 },
  { x: [2, 5, 7, 3], k: 3, outC: 5, stride: 1, pad: 1 },
  { x: [3, 8, 8, 64], k: 3, outC: 64, stride: 1, pad: 1 },
  { x: [2, 4, 4, 128], k: 3, outC: 96, stride: 1, pad: 1 },
  { x: [2, 2, 2, 40], k: 3, outC: 24, stride: 1, pad: 1 },
  { x: [2, 6, 6, 17], k: 1, outC: 33, stride: 1, pad: 0 },
  { x: [2, 9, 9, 12], k: 3, outC: 10, stride: 2, pad: 'same' },
  { x: [1, 9, 11, 6], k: 5, outC: 7, stride: 2, pad: 'valid' },
  { x: [4, 7, 7, 20], k: 3, outC: 13, stride: 1, pad: 'valid' },
  // Few channels: im2col packs whole filter rows (KW·Cin ≤ 16 floats), with taps in the left and right
  // padding copied out and zeroed — strided, and a 5-wide row of 10 floats (two vectors and two lanes).
  { x: [2, 9, 10, 4], k: 3, outC: 6, stride: 2, pad: 'same' },
  { x: [1, 7, 6, 2], k: 5, outC: 3, stride: 1, pad: 2 },
  // ≥ 8192 positions: filter gradients summed in chunks of 2048 (engine-conv.ts), here 4 whole
  // chunks, and 9150 positions (4 chunks and a part one, not a multiple of the GEMM's depth block).
  { x: [2, 64, 64, 16], k: 1, outC: 24, stride: 1, pad: 0 },
  { x: [3, 50, 61, 3], k: 3, outC: 8, stride: 1, pad: 1 },
];

describe('engine convolutions (Conv2D, FusedConv2D, both gradients)', () => {
  it.each(convCases)('x $x, $k×$k → $outC, stride $stride, pad $pad: equal to tfjs-cpu, same bits on 1 and 2 threads', async ({ x: xs, k, outC, stride, pad }) => {
    const [n, , , c] = xs;
    const x = () => tf.tensor(seededNormals(shapeSize(xs), 11), xs) as tf.Tensor4D;
    const w = () => tf.tensor(seededNormals(k * k * c * outC, 12), [k, k, c, outC]) as tf.Tensor4D;
    const b = () => tf.tensor(seededNormals(outC, 13), [outC]) as tf.Tensor1D;
    const yShape = tf.tidy(() => tf.conv2d(x(), w(), stride, pad).shape);
    const dy = () => tf.tensor(seededNormals(shapeSize(yShape), 14), yShape) as tf.Tensor4D;
    const passes: Array<[string, () => tf.Tensor]> = [
      ['forward', () => tf.conv2d(x(), w(), stride, pad)],
      ['fused + bias', () => tf.fused.conv2d({ x: x(), filter: w(), strides: stride, pad, bias: b() })],
      ['input gradient', () => tf.conv2dTranspose(dy(), w(), xs, stride, pad)],
      ['filter gradient', () => tf.engine().runKernel('Conv2DBackpropFilter', { x: x(), dy: dy() }, { strides: stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined as never, filterShape: [k, k, c, outC] }) as tf.Tensor],
    ];
    expect(n).toBeGreaterThan(0);
    for (const [name, fn] of passes) {
      const cpu = await onCpu(fn);
      const two = await onWasm(twoThreads, fn);
      const one = await onWasm(oneThread, fn);
      const fallback = await onWasm(mulAdd, fn);
      expect(scaledError(two, cpu), name).toBeLessThan(1e-5);
      expect(scaledError(fallback, cpu), name).toBeLessThan(1e-5);
      expect(sameBits(one, two), name).toBe(true);
    }
  });
});

describe('engine MaxPoolGrad', () => {
  // The CNN's 3/2/1 pool, windows of equal values (ties: the first maximum wins) and all-negative
  // windows (where the stock WASM kernel drops the gradient), channels not a multiple of 4.
  const cases: Array<{ x: [number, number, number, number]; f: number; s: number; pad: 'same' | 'valid' | number; ties: boolean }> = [
    { x: [2, 8, 8, 64], f: 3, s: 2, pad: 1, ties: false },
    { x: [3, 5, 7, 6], f: 3, s: 2, pad: 'same', ties: true },
    { x: [1, 4, 4, 5], f: 2, s: 2, pad: 'valid', ties: false },
    { x: [16, 16, 16, 64], f: 3, s: 2, pad: 1, ties: false },
  ];
  it.each(cases)('x $x, window $f stride $s pad $pad: equal to tfjs-cpu, same bits on 1 and 2 threads', async ({ x: xs, f, s, pad, ties }) => {
    const raw = seededNormals(shapeSize(xs), 21).map((v) => (ties ? Math.round(v) : v) - 3);
    const fn = () => {
      const x = tf.tensor(raw, xs) as tf.Tensor4D;
      const pooled = (input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, f, s, pad);
      // Distinct weights per output, so a misrouted gradient shows.
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pooled(input), tf.range(1, 1 + shapeSize(pooled(input).shape)).reshape(pooled(input).shape))))(x);
    };
    const cpu = await onCpu(fn);
    const two = await onWasm(twoThreads, fn);
    const one = await onWasm(oneThread, fn);
    expect(scaledError(two, cpu)).toBe(0);
    expect(sameBits(one, two)).toBe(true);
  });
});

describe('engine BatchNorm (fused forward and backward)', () => {
  // Channels below, at and past a vector of 4 and a thread's share; rows from 2 to the CNN's 32·32·32/8.
  const cases: Array<[number, number]> = [[2, 1], [7, 3], [50, 4], [33, 21], [4096, 64], [512, 130]];
  it.each(cases)('x [%i, %i]: equal to the tfjs-op formulas on tfjs-cpu, same bits on 1 and 2 threads', async (m, c) => {
    const eps = 1e-5;
    const inputs = () => ({
      x: tf.tensor(seededNormals(m * c, 31).map((v, i) => 3 * v + (i % c)), [m, c]),
      gamma: tf.tensor(seededNormals(c, 32), [c]),
      beta: tf.tensor(seededNormals(c, 33), [c]),
      dy: tf.tensor(seededNormals(m * c, 34), [m, c]),
    });
    const fusedAll = () => {
      const { x, gamma, beta, dy } = inputs();
      const r = fusedBatchNormForward(x, gamma, beta, eps);
      const [dx, dGamma, dBeta] = fusedBatchNormBackward(dy, x, gamma, r.mean, r.invStd);
      return tf.concat([r.y.flatten(), r.mean, r.variance, dx.flatten(), dGamma, dBeta]);
    };
    const reference = () => {
      const { x, gamma, beta, dy } = inputs();
      const mean = tf.div(tf.sum(x, 0), m);
      const variance = tf.div(tf.sum(tf.square(tf.sub(x, mean)), 0), m);
      const invStd = tf.rsqrt(tf.add(variance, eps));
      const xHat = tf.mul(tf.sub(x, mean), invStd);
      const y = tf.add(tf.mul(xHat, gamma), beta);
      const dBeta = tf.sum(dy, 0);
      const dGamma = tf.sum(tf.mul(dy, xHat), 0);
      const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, m), dBeta), tf.mul(xHat, dGamma)), tf.div(tf.mul(gamma, invStd), m));
      return tf.concat([y.flatten(), mean, variance, dx.flatten(), dGamma, dBeta]);
    };
    const cpu = await onCpu(reference);
    const two = await onWasm(twoThreads, fusedAll);
    const one = await onWasm(oneThread, fusedAll);
    // dx = (dy·M − Σdy − x̂·Σdy·x̂)·k cancels terms of size M·|dy|: at M = 4096 the float32
    // rounding of the sums (same order, different fusing) reaches 1.5e-5 of the largest value.
    expect(scaledError(two, cpu)).toBeLessThan(5e-5);
    expect(sameBits(one, two)).toBe(true);
  });

  // The sums' order is the determinism contract: each channel's sum is a float64 chain down each block
  // of sumBlockRows(C) rows, then the block sums added in block order (JS numbers are float64, so it
  // is written out here as it is meant), rounded to float32 once; the squares and products are float32.
  it.each([[4096, 64], [512, 130], [300, 21], [9000, 3]])('x [%i, %i]: μ, σ², dβ and dγ are float64 sums by row blocks, bit for bit', async (m, c) => {
    const f = Math.fround;
    const x = Float32Array.from(seededNormals(m * c, 35).map((v, i) => 2 * v + (i % 7)));
    const dy = Float32Array.from(seededNormals(m * c, 36));
    const gamma = Float32Array.from(seededNormals(c, 37));
    const eps = 1e-5;
    const got = await onWasm(twoThreads, () => {
      const [xt, g, b, dyt] = [tf.tensor(x, [m, c]), tf.tensor(gamma), tf.zeros([c]), tf.tensor(dy, [m, c])];
      const r = fusedBatchNormForward(xt!, g!, b!, eps);
      const [, dGamma, dBeta] = fusedBatchNormBackward(dyt!, xt!, g!, r.mean, r.invStd);
      return tf.concat([r.mean, r.variance, r.invStd, dBeta!, dGamma!]);
    });
    const rows = sumBlockRows(c);
    const blocked = (j: number, term: (r: number) => number) => {
      let total = 0;
      for (let r0 = 0; r0 < m; r0 += rows) {
        let s = 0;
        for (let r = r0; r < Math.min(m, r0 + rows); r++) s += term(r * c + j);
        total += s;
      }
      return total;
    };
    const want = new Float32Array(5 * c);
    for (let j = 0; j < c; j++) {
      const mean = f(blocked(j, (i) => x[i]!) / m);
      const v = blocked(j, (i) => f(f(x[i]! - mean) ** 2)) / m;
      const invStd = f(1 / Math.sqrt(v + eps));
      const db = blocked(j, (i) => dy[i]!);
      const dg = blocked(j, (i) => f(dy[i]! * f(f(x[i]! - mean) * invStd)));
      [want[j], want[c + j], want[2 * c + j], want[3 * c + j], want[4 * c + j]] = [mean, f(v), invStd, f(db), f(dg)];
    }
    expect(sameBits(got, want)).toBe(true);
  });
});

describe('engine BatchNorm + ReLU (one kernel each way)', () => {
  // The forward's ReLU and the backward's pass through it fused into BatchNorm's passes: the same bits as
  // BatchNorm, then max(y, 0) (tfjs-backend-cpu's Relu rule), then BackpropReluGrad and BatchNorm's backward.
  const cases: Array<[number, number]> = [[7, 3], [33, 21], [4096, 64], [512, 130]];
  it.each(cases)('x [%i, %i]: the same bits as the unfused ops (dy with ±Infinity and NaN), on 1 and 2 threads and without FMA', async (m, c) => {
    const eps = 1e-5;
    const inputs = () => ({
      x: tf.tensor(seededNormals(m * c, 41).map((v, i) => 3 * v + (i % c) - c / 2), [m, c]),
      gamma: tf.tensor(seededNormals(c, 42), [c]),
      beta: tf.tensor(seededNormals(c, 43), [c]),
      // One +Infinity (channel 1) and one NaN (channel 2): they reach those channels' dγ, dβ and dx, and
      // leave every other channel finite, where a wrong ReLU mask shows (spread over every channel,
      // they had made the whole backward NaN, and a kernel that ignored the mask passed at [4096, 64]).
      dy: tf.tensor(seededNormals(m * c, 44).map((v, i) => (i === 3 * c + 1 ? Infinity : i === 5 * c + 2 ? NaN : v)), [m, c]),
    });
    const fused = () => {
      const { x, gamma, beta, dy } = inputs();
      const r = fusedBatchNormForward(x, gamma, beta, eps, true);
      const [dx, dGamma, dBeta] = fusedBatchNormBackward(dy, x, gamma, r.mean, r.invStd, r.y);
      return tf.concat([r.y.flatten(), r.mean, r.variance, dx.flatten(), dGamma, dBeta]);
    };
    const separate = () => {
      const { x, gamma, beta, dy } = inputs();
      const r = fusedBatchNormForward(x, gamma, beta, eps);
      const out = tf.maximum(r.y, 0);
      const dyBn = tf.engine().runKernel('BackpropReluGrad', { dy, x: r.y }) as tf.Tensor;
      const [dx, dGamma, dBeta] = fusedBatchNormBackward(dyBn, x, gamma, r.mean, r.invStd);
      return tf.concat([out.flatten(), r.mean, r.variance, dx.flatten(), dGamma, dBeta]);
    };
    const want = await onWasm(twoThreads, separate);
    const zeros = want.subarray(0, m * c).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0); // the ReLU clips something
    expect(zeros).toBeLessThan(m * c);
    // Two code paths: the same bits, NaNs aside (sameBitsUpToNaN); one path on 1 and 2 threads: the same bits.
    const two = await onWasm(twoThreads, fused);
    expect(two.some(Number.isNaN)).toBe(true); // dy's ±Infinity and NaN reach the outputs
    expect(two.subarray(m * c + 2 * c).filter(Number.isFinite).length).toBeGreaterThan(m * (c - 2)); // but not every channel's gradients
    expect(sameBitsUpToNaN(two, want)).toBe(true);
    expect(sameBits(await onWasm(oneThread, fused), two)).toBe(true);
    expect(sameBitsUpToNaN(await onWasm(mulAdd, fused), await onWasm(mulAdd, separate))).toBe(true);
  });

  it('names reluOut when its shape is not x\'s', () => {
    useEngine(twoThreads);
    const [x, g, mean, invStd] = [tf.ones([4, 3]), tf.ones([3]), tf.zeros([3]), tf.ones([3])];
    expect(() => fusedBatchNormBackward(tf.ones([4, 3]), x!, g!, mean!, invStd!, tf.ones([4, 2]))).toThrow(/reluOut must be float32 \[4, 3\], got float32 \[4, 2\]/);
    tf.dispose([x!, g!, mean!, invStd!]);
  });
});

describe('engine housekeeping', () => {
  it('picks the FMA build exactly where relaxed SIMD compiles', () => {
    expect(twoThreads.info.math).toBe(relaxedSimdSupported() ? 'fma' : 'muladd');
  });

  it('leaks no tensors and no heap across many kernels', async () => {
    useEngine(twoThreads);
    const a = tf.tensor(seededNormals(64 * 48, 5), [64, 48]);
    const run = () => tf.tidy(() => tf.sum(tf.matMul(a, a, true, false), 0).dataSync());
    run();
    const before = tf.memory();
    for (let i = 0; i < 20; i++) run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    a.dispose();
  });
});

describe('pool spin budget', () => {
  it('gives the same bits whether the threads spin or sleep between jobs, and counts the sleeps', async () => {
    useEngine(twoThreads);
    const x = tf.tensor(seededNormals(4096 * 64, 6), [4096, 64]); // big enough for 2 threads
    const run = () => tf.tidy(() => tf.matMul(x, x, true, false).dataSync() as Float32Array);
    const spinning = run();
    expect(twoThreads.spinMicroseconds).toBe(5000);
    try {
      twoThreads.spinMicroseconds = 0; // every wait sleeps at once
      const before = twoThreads.poolStats;
      const sleeping = run();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = run();
      const after = twoThreads.poolStats;
      expect(after.jobs).toBeGreaterThan(before.jobs);
      expect(after.workerSleeps).toBeGreaterThan(before.workerSleeps); // it slept between the jobs
      expect(sameBits(sleeping, spinning)).toBe(true);
      expect(sameBits(again, spinning)).toBe(true);
    } finally {
      twoThreads.spinMicroseconds = 5000;
      x.dispose();
    }
  });

  it('rejects a budget that is not a whole number of µs in range', () => {
    expect(() => { twoThreads.spinMicroseconds = -1; }).toThrow(/spinMicroseconds: expected a whole number of µs in \[0, 1000000\], got -1/);
    expect(() => { twoThreads.spinMicroseconds = 2.5; }).toThrow(/got 2.5/);
    expect(twoThreads.spinMicroseconds).toBe(5000);
  });

  it('is set by initBackend from options.engineSpinMicroseconds or $BACKPROP_ENGINE_SPIN_US, checked with the source named', async () => {
    expect(engineSpinChoice(undefined, undefined)).toBeNull();
    expect(engineSpinChoice(undefined, ' ')).toBeNull();
    expect(engineSpinChoice(undefined, '250')).toBe(250);
    expect(engineSpinChoice(40, '250')).toBe(40); // the option wins
    expect(() => engineSpinChoice(undefined, '5ms')).toThrow("initBackend: $BACKPROP_ENGINE_SPIN_US must be a whole number of µs from 0 to 1000000, got '5ms'");
    expect(() => engineSpinChoice(-3, undefined)).toThrow("initBackend: options.engineSpinMicroseconds must be a whole number of µs from 0 to 1000000, got '-3'");
    useEngine(twoThreads);
    try {
      await initBackend({ threads: 2, engineSpinMicroseconds: 123 });
      expect(twoThreads.spinMicroseconds).toBe(123);
    } finally {
      twoThreads.spinMicroseconds = 5000;
    }
  });
});
