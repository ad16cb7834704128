// MaxPool and MaxPoolGrad on the engine (assembly/max-pool.ts, max-pool-grad.ts,
// max-pool-grad-gather.ts, pool.ts) against tfjs-backend-cpu, on the CNN's 3/2/1 pool,
// non-overlapping windows (2×2 stride 2, stride past the window, padded), odd sizes, channels not
// a multiple of 4, batch 1; 1 and 2 engine threads bit-identical; MaxPoolGrad's fast paths (tiles,
// gather, scatter) bit-identical to the general kernel and to each other, also on NaN, ±∞ and −0;
// which path a geometry takes; no tensor leaks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngines, stopTestEngines } from '../engine/test-engines.js';
import { backend_util } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { leakedTensors, sameBits, seededNormals, valuesOn } from '../test/index.js';
import { useEngine, type Engine } from '../engine/engine.js';
import { gatherScratchBytes, maxPoolGradPath, setMaxPoolGradFastPaths, setMaxPoolGradGather, type MaxPoolGradPath } from './max-pool-grad.js';
import { shapeSize } from '../checks.js';

type Pair = number | [number, number];
type Pad = 'same' | 'valid' | number;

let twoThreads: Engine;
let oneThread: Engine;
let mulAdd: Engine; // the build without relaxed SIMD: bitselect where the FMA build uses laneselect

beforeAll(async () => {
  ({ twoThreads, oneThread, mulAdd } = await startTestEngines());
});

afterEach(() => {
  setMaxPoolGradFastPaths(true);
  setMaxPoolGradGather(true);
  useEngine(twoThreads);
});

afterAll(() => {
  useEngine(twoThreads);
  oneThread.close();
  mulAdd.close();
});

async function onWasm(engine: Engine, fn: () => tf.Tensor): Promise<Float32Array> {
  useEngine(engine);
  return valuesOn('wasm', fn);
}

/** x values with the cases that decide a window: ties (rounded), NaN, ±∞, −0, all-negative windows. */
function awkwardValues(n: number, seed: number): Float32Array {
  return seededNormals(n, seed).map((v, i) => {
    if (i % 23 === 5) return NaN;
    if (i % 19 === 3) return -Infinity;
    if (i % 37 === 7) return Infinity;
    if (i % 13 === 2) return -0;
    return i % 3 === 0 ? Math.round(v) : v - 2;
  });
}

/** dy values: random (so the order of a sum shows), with −0, ±∞ and NaN. */
function awkwardGradients(n: number, seed: number): Float32Array {
  return seededNormals(n, seed).map((v, i) => (i % 17 === 1 ? -0 : i % 41 === 4 ? Infinity : i % 43 === 6 ? -Infinity : i % 47 === 8 ? NaN : v));
}

interface PoolCase {
  x: [number, number, number, number];
  f: Pair;
  s: Pair;
  pad: Pad;
  path: Exclude<MaxPoolGradPath, 'scatter' | 'general'>;
}

const cases: PoolCase[] = [
  { x: [2, 8, 8, 64], f: 3, s: 2, pad: 1, path: 'gather' }, // the CNN's pool
  { x: [3, 16, 16, 130], f: 3, s: 2, pad: 1, path: 'gather' }, // past 2^16 elements: 2 threads
  { x: [1, 32, 32, 8], f: 3, s: 2, pad: 1, path: 'gather' }, // batch 1
  { x: [3, 5, 7, 6], f: 3, s: 2, pad: 'same', path: 'gather' }, // asymmetric padding
  { x: [2, 2, 2, 5], f: 3, s: 2, pad: 1, path: 'gather' }, // one output, windows mostly padding
  { x: [1, 7, 5, 2], f: 2, s: 1, pad: 'valid', path: 'gather' },
  { x: [2, 9, 6, 7], f: [3, 2], s: [1, 2], pad: 'valid', path: 'gather' }, // overlapping in height only
  { x: [1, 4, 4, 5], f: 2, s: 2, pad: 'valid', path: 'tiles' },
  { x: [4, 16, 16, 68], f: 2, s: 2, pad: 'valid', path: 'tiles' }, // 2 threads
  { x: [2, 5, 7, 3], f: 2, s: 2, pad: 'valid', path: 'tiles' }, // odd: last row and column in no window
  { x: [1, 7, 9, 6], f: 2, s: 3, pad: 'valid', path: 'tiles' }, // stride past the window: gaps
  { x: [2, 7, 7, 9], f: 3, s: 3, pad: 'same', path: 'tiles' }, // padded tiles
  { x: [1, 1, 1, 1], f: 1, s: 1, pad: 'valid', path: 'tiles' },
  { x: [2, 9, 9, 6], f: 4, s: 4, pad: 'same', path: 'tiles' }, // windows past 9 positions: the generic loops
  { x: [1, 9, 10, 5], f: 5, s: 1, pad: 'same', path: 'gather' }, // up to 25 windows per pixel
  { x: [1, 9, 10, 8], f: 4, s: 2, pad: 'valid', path: 'gather' },
  // Gather's edges: odd sizes (a last row and column in one window), every channel tail, batch 1.
  { x: [1, 7, 5, 1], f: 3, s: 2, pad: 1, path: 'gather' },
  { x: [2, 7, 5, 3], f: 3, s: 2, pad: 1, path: 'gather' },
  { x: [1, 5, 7, 5], f: 3, s: 2, pad: 1, path: 'gather' },
  { x: [2, 7, 5, 130], f: 3, s: 2, pad: 1, path: 'gather' },
  { x: [1, 7, 5, 6], f: 3, s: 2, pad: 'valid', path: 'gather' }, // the last row and column in no window
  { x: [1, 8, 7, 4], f: 3, s: 1, pad: 'same', path: 'gather' }, // 9 windows per pixel
  { x: [1, 7, 7, 5], f: [2, 3], s: [2, 1], pad: 'valid', path: 'gather' }, // overlapping in width only
];

const poolInfo = ({ x, f, s, pad }: PoolCase) => backend_util.computePool2DInfo(x, f, s, 1, pad);

describe('engine MaxPool', () => {
  it.each(cases)('x $x, window $f stride $s pad $pad: the same bits as tfjs-cpu (NaN, ±∞, −0), on 1 and 2 threads', async (c) => {
    const raw = awkwardValues(shapeSize(c.x), 51);
    const fn = () => tf.maxPool(tf.tensor(raw, c.x) as tf.Tensor4D, c.f, c.s, c.pad);
    const cpu = await onCpu(fn);
    const two = await onWasm(twoThreads, fn);
    const one = await onWasm(oneThread, fn);
    const fallback = await onWasm(mulAdd, fn);
    expect(sameBits(two, cpu)).toBe(true);
    expect(sameBits(one, two)).toBe(true);
    expect(sameBits(fallback, two)).toBe(true);
  });

  it('a 1×1 window of stride 1 returns the input unchanged, NaN included, as tfjs-cpu does', async () => {
    const raw = awkwardValues(2 * 3 * 4 * 5, 52);
    const fn = () => tf.maxPool(tf.tensor(raw, [2, 3, 4, 5]) as tf.Tensor4D, 1, 1, 'valid');
    const two = await onWasm(twoThreads, fn);
    expect(sameBits(two, await onCpu(fn))).toBe(true);
    expect(sameBits(two, raw)).toBe(true);
  });

  it('leaves no tensor behind', () => {
    useEngine(twoThreads);
    const x = tf.tensor(seededNormals(2 * 8 * 8 * 16, 53), [2, 8, 8, 16]) as tf.Tensor4D;
    expect(leakedTensors(() => tf.maxPool(x, 3, 2, 1).dispose())).toBe(0);
    x.dispose();
  });
});

describe('engine MaxPoolGrad', () => {
  it.each(cases)('x $x, window $f stride $s pad $pad ($path): equal to tfjs-cpu, same bits on 1 and 2 threads', async (c) => {
    expect(maxPoolGradPath(poolInfo(c), twoThreads.scratchBytes)).toBe(c.path);
    // Ties (rounded values) and all-negative windows; distinct integer weights per output, so a
    // misrouted gradient shows and sums of several windows are exact in float32 and float64 alike.
    const raw = seededNormals(shapeSize(c.x), 21).map((v, i) => (i % 2 === 0 ? Math.round(v) : v) - 3);
    const fn = () => {
      const x = tf.tensor(raw, c.x) as tf.Tensor4D;
      const pooled = (input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, c.f, c.s, c.pad);
      const shape = pooled(x).shape;
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pooled(input), tf.range(1, 1 + shapeSize(shape)).reshape(shape))))(x);
    };
    const cpu = await onCpu(fn);
    const two = await onWasm(twoThreads, fn);
    const one = await onWasm(oneThread, fn);
    expect(sameBits(two, cpu)).toBe(true);
    expect(sameBits(one, two)).toBe(true);
  });

  it.each(cases)('x $x, window $f stride $s pad $pad ($path): the same bits as the general kernel (random dy, NaN, ±∞, −0)', async (c) => {
    const info = poolInfo(c);
    const xs = awkwardValues(shapeSize(c.x), 22);
    const dys = awkwardGradients(shapeSize(info.outShape), 23);
    const fn = () => {
      const input = tf.tensor(xs, c.x);
      const dy = tf.tensor(dys, info.outShape);
      const output = tf.maxPool(input as tf.Tensor4D, c.f, c.s, c.pad);
      return tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, { filterSize: c.f, strides: c.s, pad: c.pad }) as tf.Tensor;
    };
    const fast = await onWasm(twoThreads, fn);
    const fastOne = await onWasm(oneThread, fn);
    const fastMulAdd = await onWasm(mulAdd, fn);
    setMaxPoolGradGather(false); // overlapping windows: the scatter
    const scatter = await onWasm(twoThreads, fn);
    setMaxPoolGradFastPaths(false);
    const general = await onWasm(twoThreads, fn);
    expect(sameBits(fast, general)).toBe(true);
    expect(sameBits(fastOne, general)).toBe(true);
    expect(sameBits(fastMulAdd, general)).toBe(true);
    expect(sameBits(scatter, general)).toBe(true);
  });

  it('takes the general kernel when a window\'s positions and winners do not fit the scratch', () => {
    const wide = backend_util.computePool2DInfo([1, 4, 4, 1 << 18], 3, 2, 1, 1);
    expect(maxPoolGradPath(wide, twoThreads.scratchBytes)).toBe('general');
    expect(maxPoolGradPath(wide, 64 + 63 + 4 * (1 << 18))).toBe('scatter');
  });

  it('takes the gather for the CNN\'s overlapping pools, the scatter where an image\'s winners do not fit, the general kernel when switched off', () => {
    const cnn = [[32, 128], [16, 256], [8, 512], [4, 512]].map(([hw, c]) => backend_util.computePool2DInfo([32, hw!, hw!, c!], 3, 2, 1, 1));
    for (const info of cnn) expect(maxPoolGradPath(info, twoThreads.scratchBytes)).toBe('gather');
    expect(gatherScratchBytes(cnn[0]!)).toBeLessThan(twoThreads.scratchBytes / 2); // 16·16·128 winners: 128 KiB and a little
    const big = backend_util.computePool2DInfo([1, 128, 128, 64], 3, 2, 1, 1); // 64·64·64 winners: 1 MiB
    expect(maxPoolGradPath(big, twoThreads.scratchBytes)).toBe('scatter');
    expect(maxPoolGradPath(big, gatherScratchBytes(big))).toBe('gather');
    expect(maxPoolGradPath(big, gatherScratchBytes(big) - 1)).toBe('scatter');
    setMaxPoolGradGather(false);
    expect(maxPoolGradPath(cnn[0]!, twoThreads.scratchBytes)).toBe('scatter');
    expect(maxPoolGradPath(backend_util.computePool2DInfo([1, 4, 4, 8], 2, 2, 1, 'valid'), twoThreads.scratchBytes)).toBe('tiles');
    setMaxPoolGradFastPaths(false);
    expect(maxPoolGradPath(cnn[0]!, twoThreads.scratchBytes)).toBe('general');
  });

  it('gather and scatter give the same bits on a large odd image with a channel tail (1 and 2 threads)', async () => {
    // 66·65·9 winners (154 KiB) fit the scratch; the switch forces the scatter on the same input.
    const shape: [number, number, number, number] = [2, 131, 129, 9];
    const info = backend_util.computePool2DInfo(shape, 3, 2, 1, 1);
    const xs = awkwardValues(shapeSize(shape), 25);
    const dys = awkwardGradients(shapeSize(info.outShape), 26);
    const fn = () => {
      const input = tf.tensor(xs, shape);
      const dy = tf.tensor(dys, info.outShape);
      return tf.engine().runKernel('MaxPoolGrad', { dy, input, output: tf.maxPool(input as tf.Tensor4D, 3, 2, 1) }, { filterSize: 3, strides: 2, pad: 1 }) as tf.Tensor;
    };
    expect(maxPoolGradPath(info, twoThreads.scratchBytes)).toBe('gather');
    const gathered = await onWasm(twoThreads, fn);
    const gatheredOne = await onWasm(oneThread, fn);
    setMaxPoolGradGather(false);
    const scattered = await onWasm(twoThreads, fn);
    expect(sameBits(gathered, scattered)).toBe(true);
    expect(sameBits(gatheredOne, scattered)).toBe(true);
  });

  it('leaves no tensor behind', () => {
    useEngine(twoThreads);
    const x = tf.tensor(seededNormals(2 * 8 * 8 * 16, 24), [2, 8, 8, 16]) as tf.Tensor4D;
    const grads = (f: number, s: number, pad: Pad) => tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, f, s, pad)))(x).dispose();
    expect(leakedTensors(() => grads(3, 2, 1))).toBe(0); // gather
    expect(leakedTensors(() => grads(2, 2, 'valid'))).toBe(0); // tiles
    setMaxPoolGradGather(false);
    expect(leakedTensors(() => grads(3, 2, 1))).toBe(0); // scatter
    x.dispose();
  });
});

const onCpu = (fn: () => tf.Tensor): Promise<Float32Array> => valuesOn('cpu', fn);
