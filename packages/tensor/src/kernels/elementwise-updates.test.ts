// The engine's Maximum/Minimum, same-shape Add fast paths and its fused SGD update: equal to tfjs-backend-cpu
// (bit for bit: both are exact float32 operations in the same order), the same bits on 1 and 2
// threads, the stock kernel for broadcasts it does not take, and no tensor leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { Engine, engineFor, useEngine } from '../engine/engine.js';
import { fusedSgdUpdate, type SgdUpdateAttrs } from '../ops/sgd-update.js';
import { shapeSize } from '../checks.js';
import { sameBits, sameBitsUpToNaN, seededNormals } from '../test/index.js';


let twoThreads: Engine;
let oneThread: Engine;

beforeAll(async () => {
  await initBackend({ threads: 2 });
  twoThreads = engineFor(tf.backend())!;
  oneThread = await Engine.start(tf.backend() as BackendWasm, { threads: 1, math: twoThreads.info.math });
});

afterAll(() => {
  useEngine(twoThreads);
  oneThread.close();
});

async function values(backend: 'cpu' | 'wasm', engine: Engine | null, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  useEngine(engine);
  const out = tf.tidy(fn);
  const data = Float32Array.from((await out.data()) as Float32Array);
  out.dispose();
  await tf.setBackend('wasm');
  useEngine(twoThreads);
  return data;
}

/** Normal values with NaN, ±Infinity, −0 and +0 planted, so the edge rules are compared too. */
function withSpecials(n: number, seed: number): Float32Array {
  const x = seededNormals(n, seed);
  const specials = [NaN, Infinity, -Infinity, -0, 0];
  for (let i = 0; i < Math.min(n, specials.length); i++) x[(i * 7919) % n] = specials[i]!;
  return x;
}

describe('Maximum / Minimum on the engine', () => {
  // Odd sizes (a tail after the 4-lane loop), one element, past the 2-thread split (65536).
  const shapes = [[1], [7], [200, 100], [3, 5, 7], [70001]];
  for (const op of ['maximum', 'minimum'] as const) {
    it.each(shapes)(`${op}(x %j, 0) and (0, x): equal to tfjs-cpu, same bits on 1 and 2 threads`, async (...shape) => {
      const x = withSpecials(shapeSize(shape), 11);
      for (const fn of [() => tf[op](tf.tensor(x, shape), 0), () => tf[op](tf.scalar(-0.25), tf.tensor(x, shape))]) {
        const cpu = await values('cpu', null, fn);
        const two = await values('wasm', twoThreads, fn);
        const one = await values('wasm', oneThread, fn);
        expect(sameBitsUpToNaN(two, cpu)).toBe(true);
        expect(sameBits(one, two)).toBe(true);
      }
    });
  }

  it('two tensors of one shape, and a broadcast it leaves to the stock kernel', async () => {
    const a = withSpecials(1001, 1);
    const b = withSpecials(1001, 2);
    const same = () => tf.maximum(tf.tensor(a, [7, 143]), tf.tensor(b, [7, 143]));
    expect(sameBitsUpToNaN(await values('wasm', twoThreads, same), await values('cpu', null, same))).toBe(true);
    const rows = () => tf.minimum(tf.tensor(seededNormals(12, 3), [4, 3]), tf.tensor(seededNormals(3, 4), [3]));
    const cpu = await values('cpu', null, rows);
    const wasm = await values('wasm', twoThreads, rows);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it('int32 goes to the stock kernel; no tensor leaks', async () => {
    useEngine(twoThreads);
    expect(Array.from(await tf.maximum(tf.tensor([1, -2, 3], [3], 'int32'), 0).data())).toEqual([1, 0, 3]);
    const x = tf.tensor(seededNormals(1000, 5), [10, 100]);
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.minimum(tf.maximum(x, 0), 1)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('Add of two tensors of one shape on the engine', () => {
  // Odd sizes (a tail after the 4-lane loop), one element, past the 2-thread split (65536).
  const shapes = [[1], [7], [3, 5, 7], [2, 16, 16, 130]];
  it.each(shapes)('add of two %j tensors: tfjs-cpu bit for bit (±Infinity, −0, NaN), the same bits on 1 and 2 threads', async (...shape) => {
    const n = shapeSize(shape);
    const a = withSpecials(n, 61);
    const b = withSpecials(n, 62).map((v, i) => (i % 5 === 0 ? -a[i]! : v)); // exact cancellations: +0
    if (n >= 4) [a[1], b[1], a[2], b[2], a[3], b[3]] = [Infinity, -Infinity, -0, -0, 3.4e38, 3.4e38]; // NaN, −0, overflow
    const fn = () => tf.add(tf.tensor(a, shape), tf.tensor(b, shape));
    const cpu = await values('cpu', null, fn);
    const two = await values('wasm', twoThreads, fn);
    const one = await values('wasm', oneThread, fn);
    expect(sameBitsUpToNaN(two, cpu)).toBe(true);
    expect(sameBits(one, two)).toBe(true);
  });

  it('a broadcast add and int32 go to the stock kernel; no tensor leaks', async () => {
    const rows = () => tf.add(tf.tensor(seededNormals(12, 64), [4, 3]), tf.tensor(seededNormals(3, 65), [3]));
    expect(sameBitsUpToNaN(await values('wasm', twoThreads, rows), await values('cpu', null, rows))).toBe(true);
    useEngine(twoThreads);
    expect(Array.from(await tf.add(tf.tensor([1, 2], [2], 'int32'), tf.tensor([3, -5], [2], 'int32')).data())).toEqual([4, -3]);
    const x = tf.tensor(seededNormals(1000, 66), [10, 100]);
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.add(tf.add(x, x), x)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

/** The op-by-op update of @backprop/layers' SGD (torch.optim.SGD's rule), on any backend. */
function sgdByOps(p: tf.Tensor, g: tf.Tensor, buf: tf.Tensor | null, a: SgdUpdateAttrs): tf.Tensor[] {
  let d = a.maximize ? tf.neg(g) : g;
  if (a.weightDecay !== 0) d = tf.add(d, tf.mul(p, a.weightDecay));
  let nextBuf: tf.Tensor | null = null;
  if (a.momentum !== 0) {
    nextBuf = buf == null ? d : tf.add(tf.mul(buf, a.momentum), a.dampening === 0 ? d : tf.mul(d, 1 - a.dampening));
    d = a.nesterov ? tf.add(d, tf.mul(nextBuf, a.momentum)) : nextBuf;
  }
  const next = tf.add(p, tf.mul(d, -a.lr));
  return nextBuf == null ? [next] : [next, nextBuf];
}

describe('fused SGD update (BackpropSgdUpdate)', () => {
  const plain: SgdUpdateAttrs = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
  const cases: Array<{ name: string; attrs: SgdUpdateAttrs; withBuf: boolean }> = [
    { name: 'plain (lr only)', attrs: plain, withBuf: false },
    { name: 'weight decay, maximize', attrs: { ...plain, weightDecay: 5e-4, maximize: true }, withBuf: false },
    { name: 'momentum, first step (no buffer yet)', attrs: { ...plain, momentum: 0.9 }, withBuf: false },
    { name: 'momentum with dampening', attrs: { ...plain, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 }, withBuf: true },
    { name: 'Nesterov', attrs: { ...plain, lr: 0.037, momentum: 0.8, nesterov: true }, withBuf: true },
  ];
  // 70001: both threads' ranges and a 1-element tail.
  it.each(cases)('$name: the same bits as the op-by-op update, on 1 and 2 threads', async ({ attrs, withBuf }) => {
    for (const n of [1, 7, 70001]) {
      const p = seededNormals(n, 1), g = seededNormals(n, 2), b = seededNormals(n, 3);
      const inputs = () => [tf.tensor(p), tf.tensor(g), withBuf ? tf.tensor(b) : null] as const;
      const byOps = async (k: number) => values('cpu', null, () => { const [x, y, z] = inputs(); return sgdByOps(x, y, z, attrs)[k]!; });
      const fused = async (engine: Engine, k: number) => values('wasm', engine, () => { const [x, y, z] = inputs(); return fusedSgdUpdate(x, y, z, attrs)![k]!; });
      const outputs = attrs.momentum !== 0 ? 2 : 1;
      for (let k = 0; k < outputs; k++) {
        const ref = await byOps(k);
        expect(sameBits(await fused(twoThreads, k), ref)).toBe(true);
        expect(sameBits(await fused(oneThread, k), ref)).toBe(true);
      }
    }
  });

  it('names the operand of a wrong shape', () => {
    useEngine(twoThreads);
    expect(() => tf.tidy(() => void fusedSgdUpdate(tf.zeros([3]), tf.zeros([4]), null, plain))).toThrow(/grad must be float32 \[3\] like param, got float32 \[4\]/);
    expect(() => tf.tidy(() => void fusedSgdUpdate(tf.zeros([3]), tf.zeros([3]), tf.zeros([3]), plain))).toThrow(/buf given but momentum is 0/);
  });
});

describe("Relu's gradient on the engine (BackpropReluGrad)", () => {
  const special = [NaN, -1, 0, -0, 2, Infinity, -Infinity, 1e-40, -1e-40];
  const specialDy = [1, -3, Infinity, NaN, 5, 1, -2, 7, -7];
  const gradOf = (x: number[] | Float32Array, dy: number[] | Float32Array) => () =>
    tf.grad((v: tf.Tensor) => tf.relu(v))(tf.tensor(x), tf.tensor(dy));

  it.each([special.length, 1, 7, 70_001])('%i elements: tfjs-cpu\'s dy·cast(step(x)) value for value, the same bits on 1 and 2 threads', async (n) => {
    const x = n === special.length ? special : seededNormals(n, 40).map((v, i) => (i % 97 === 0 ? 0 : v));
    const dy = n === special.length ? specialDy : seededNormals(n, 41);
    const fn = gradOf(x, dy);
    const cpu = await values('cpu', null, fn);
    const stockWasm = await values('wasm', null, fn); // the engine off: tfjs's own formula
    const one = await values('wasm', oneThread, fn);
    const two = await values('wasm', twoThreads, fn);
    expect(sameBitsUpToNaN(two, cpu)).toBe(true);
    expect(sameBitsUpToNaN(two, stockWasm)).toBe(true);
    expect(sameBits(one, two)).toBe(true);
  });

  it('runs as one kernel instead of Step, Cast and Multiply; none left behind', async () => {
    useEngine(twoThreads);
    const x = tf.tensor(seededNormals(4096, 42));
    const dy = tf.tensor(seededNormals(4096, 43));
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => { tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy).dispose(); });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('BackpropReluGrad');
    expect(names).not.toContain('Step');
    expect(tf.memory().numTensors).toBe(before);
    useEngine(null);
    const stock = await tf.profile(() => { tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy).dispose(); });
    expect(stock.kernels.map((k) => k.name)).toEqual(expect.arrayContaining(['Step', 'Cast', 'Multiply']));
    useEngine(twoThreads);
    tf.dispose([x, dy]);
  });

  it('names both operands when their shapes differ', () => {
    useEngine(twoThreads);
    expect(() => tf.tidy(() => tf.engine().runKernel('BackpropReluGrad', { dy: tf.zeros([3]), x: tf.zeros([4]) }))).toThrow(/dy and x must be float32 of one shape, got dy float32 \[3\] and x float32 \[4\]/);
  });
});
