// Winograd F(4,3) and F(2,3), all three passes, against tfjs-backend-cpu's direct convolution on edge
// shapes (batch 1, 1×1 to 8×8 images, non-square, odd channel counts) and the CNN's layer shapes at
// batch 1 (from 256 channels on against a float64 direct conv: tfjs-cpu would take minutes); in both engine builds; the same bits on 1 and 2 threads; no tensor or heap leaks; the
// transformed-filter cache reused within a weight version and freed with its tensor.
//
// Tolerances (max |error| / max |reference|; float32, normal inputs): F(4,3) loses accuracy with
// its ±2, 1/24 transform constants — against float64 on the CNN shapes (scripts/winograd-error.mjs)
// its worst was 1.9e-5 (512 channels, 4×4, forward) where float32 direct conv gives 2.3e-6 and
// F(2,3) 1.1e-6. The bounds: F(2,3) 1e-5 (as the engine's other convs), F(4,3) 6e-5 (3× margin).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngines, stopTestEngines, wasmHeapBytes } from '../engine/test-engines.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { sameBits, scaledError, seededNormals } from '../test/index.js';
import type { Engine } from '../engine/engine.js';
import { conv3x3F64, conv3x3FilterGradF64, conv3x3InputGradF64, type ConvShape } from './direct-conv-f64.js';
import {
  clearWinogradCache, F4_BACKWARD_MIN_SIZE, F4_INPUT_GRAD_MIN_SIZE, getWinogradMode, setWinogradMode, winogradBackpropFilter, winogradBackpropInput, winogradCacheBytes,
  setWinogradBlockTiles, winogradChoice, winogradConv2d, type WinogradVariant,
} from './winograd.js';


let twoThreads: Engine;
let oneThread: Engine;
let mulAdd: Engine;

beforeAll(async () => {
  ({ twoThreads, oneThread, mulAdd } = await startTestEngines());
});

afterAll(() => {
  clearWinogradCache();
  stopTestEngines({ twoThreads, oneThread, mulAdd });
});

interface Inputs {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

type Pass = 'forward' | 'inputGrad' | 'filterGrad';

/** Runs one pass on the wasm backend with `engine`, the inputs made fresh (and freed) inside. */
function onWasm(engine: Engine, pass: Pass, variant: WinogradVariant, s: Shape, data: Inputs): Float32Array {
  const backend = tf.backend() as BackendWasm;
  let out: Float32Array = new Float32Array(0);
  // The values leave through a variable: tidy would walk a returned typed array key by key (seconds at 2M elements).
  tf.tidy(() => {
    const x = tf.tensor4d(data.x, [s.n, s.h, s.w, s.cin]);
    const w = tf.tensor4d(data.w, [3, 3, s.cin, s.cout]);
    const b = tf.tensor1d(data.b);
    const dy = tf.tensor4d(data.dy, [s.n, s.h, s.w, s.cout]);
    let info: TensorInfo;
    if (pass === 'forward') info = winogradConv2d(engine, backend, x, w, b, variant);
    else if (pass === 'inputGrad') info = winogradBackpropInput(engine, backend, dy, w, variant);
    else info = winogradBackpropFilter(engine, backend, x, dy, variant);
    out = tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array;
  });
  return out;
}

/** The reference: tfjs-cpu, or (from 256 channels on, where tfjs-cpu takes minutes) a float64 direct conv. */
async function reference(pass: Pass, s: Shape, data: Inputs): Promise<Float32Array> {
  if (s.cin * s.cout <= 128 * 128) return onCpu(pass, s, data);
  if (pass === 'forward') return Float32Array.from(conv3x3F64(s, data.x, data.w, data.b));
  if (pass === 'inputGrad') return Float32Array.from(conv3x3InputGradF64(s, data.dy, data.w));
  return Float32Array.from(conv3x3FilterGradF64(s, data.x, data.dy));
}

async function onCpu(pass: Pass, s: Shape, data: Inputs): Promise<Float32Array> {
  await tf.setBackend('cpu');
  let out: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    const x = tf.tensor4d(data.x, [s.n, s.h, s.w, s.cin]);
    const w = tf.tensor4d(data.w, [3, 3, s.cin, s.cout]);
    const dy = tf.tensor4d(data.dy, [s.n, s.h, s.w, s.cout]);
    let y: tf.Tensor;
    if (pass === 'forward') y = tf.add(tf.conv2d(x, w, 1, 'same'), tf.tensor1d(data.b));
    else if (pass === 'inputGrad') y = tf.conv2dTranspose(dy, w, [s.n, s.h, s.w, s.cin], 1, 'same');
    else {
      y = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined as never, filterShape: [3, 3, s.cin, s.cout],
      }) as tf.Tensor;
    }
    out = y.dataSync() as Float32Array;
  });
  await tf.setBackend('wasm');
  return out;
}

type Shape = ConvShape;

const shapes: Shape[] = [
  { n: 1, h: 1, w: 1, cin: 1, cout: 1 },
  { n: 1, h: 2, w: 2, cin: 3, cout: 5 },
  { n: 2, h: 3, w: 3, cin: 5, cout: 3 },
  { n: 1, h: 5, w: 5, cin: 17, cout: 9 },
  { n: 2, h: 7, w: 7, cin: 3, cout: 17 },
  { n: 1, h: 8, w: 8, cin: 16, cout: 8 },
  { n: 3, h: 5, w: 7, cin: 4, cout: 4 },
  { n: 1, h: 6, w: 9, cin: 12, cout: 20 },
  // The CNN's layers at batch 1.
  { n: 1, h: 32, w: 32, cin: 64, cout: 64 },
  { n: 1, h: 16, w: 16, cin: 128, cout: 128 },
  { n: 1, h: 8, w: 8, cin: 256, cout: 256 },
  { n: 1, h: 4, w: 4, cin: 512, cout: 512 },
  { n: 1, h: 2, w: 2, cin: 512, cout: 512 },
  // ≥ 2048 F(2,3) tiles with a short depth: the forward and input-gradient GEMMs split into row blocks.
  { n: 10, h: 30, w: 30, cin: 8, cout: 12 },
];

const TOLERANCE: Record<Pass, Record<WinogradVariant, number>> = {
  forward: { F2: 1e-5, F4: 6e-5 },
  inputGrad: { F2: 1e-5, F4: 6e-5 },
  filterGrad: { F2: 1e-5, F4: 6e-5 },
};

const label = (s: Shape) => `[${s.n}, ${s.h}, ${s.w}, ${s.cin}] → ${s.cout}`;

describe('Winograd convolutions (3×3, stride 1, pad 1)', () => {
  it.each(shapes.map((s) => ({ ...s, name: label(s) })))('$name: every pass equal to tfjs-cpu, same bits on 1 and 2 threads', async (s) => {
    const seed = s.n * 1000 + s.h * 100 + s.cin;
    const data: Inputs = {
      x: seededNormals(s.n * s.h * s.w * s.cin, seed),
      w: seededNormals(9 * s.cin * s.cout, seed + 1),
      b: seededNormals(s.cout, seed + 2),
      dy: seededNormals(s.n * s.h * s.w * s.cout, seed + 3),
    };
    for (const pass of ['forward', 'inputGrad', 'filterGrad'] as const) {
      const cpu = await reference(pass, s, data);
      for (const variant of ['F4', 'F2'] as const) {
        const what = `${pass} ${variant}`;
        const two = onWasm(twoThreads, pass, variant, s, data);
        const one = onWasm(oneThread, pass, variant, s, data);
        const fallback = onWasm(mulAdd, pass, variant, s, data);
        expect(scaledError(two, cpu), what).toBeLessThan(TOLERANCE[pass][variant]);
        expect(scaledError(fallback, cpu), what).toBeLessThan(TOLERANCE[pass][variant]);
        expect(sameBits(one, two), what).toBe(true);
      }
    }
  }, 60_000);

  it('names the argument on bad shapes', () => {
    const backend = tf.backend() as BackendWasm;
    tf.tidy(() => {
      const x = tf.zeros([1, 4, 4, 3]);
      expect(() => winogradConv2d(twoThreads, backend, x, tf.zeros([3, 3, 4, 2]), null, 'F4')).toThrow(/x has 3 channels, the filter takes 4/);
      expect(() => winogradConv2d(twoThreads, backend, x, tf.zeros([5, 5, 3, 2]), null, 'F4')).toThrow(/filter must be \[3, 3, Cin, Cout\]/);
      expect(() => winogradBackpropFilter(twoThreads, backend, x, tf.zeros([1, 3, 4, 2]), 'F2')).toThrow(/dy must be \[1, 4, 4, Cout\]/);
    });
  });
});

describe('Winograd filter cache and memory', () => {
  it('reuses a filter transform within a weight version and frees it with the tensor', () => {
    clearWinogradCache();
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor4d(seededNormals(2 * 6 * 6 * 8, 1), [2, 6, 6, 8]);
    const initial = tf.tensor4d(seededNormals(9 * 8 * 12, 2), [3, 3, 8, 12]);
    const w = tf.variable(initial);
    initial.dispose(); // the variable's first value shares this dataId
    const forward = () => tf.tidy(() => tf.engine().makeTensorFromTensorInfo(winogradConv2d(twoThreads, backend, x, w, null, 'F4')).dataSync());
    const first = forward();
    const bytes = winogradCacheBytes();
    expect(bytes).toBe(36 * (8 * 12 + 16) * 4); // one cache line of padding per frequency
    expect(sameBits(forward() as Float32Array, first as Float32Array)).toBe(true);
    expect(winogradCacheBytes()).toBe(bytes); // a hit: nothing new
    // A new weight version (assign gives a new dataId): a new transform, the old one freed on the next call.
    const doubled = tf.mul(w, 2);
    w.assign(doubled as tf.Tensor4D);
    doubled.dispose();
    const second = forward();
    expect(second[0]).toBeCloseTo(2 * first[0]!, 4);
    expect(winogradCacheBytes()).toBe(bytes);
    w.dispose();
    x.dispose();
    tf.tidy(() => {
      const y = winogradConv2d(twoThreads, backend, tf.zeros([1, 2, 2, 1]), tf.zeros([3, 3, 1, 1]), null, 'F2');
      tf.engine().makeTensorFromTensorInfo(y).dispose();
    });
    // Only the last (tidied, now disposed) filter can still be held; the next sweep drops it too.
    expect(winogradCacheBytes()).toBe(16 * (4 * 4 + 16) * 4);
    clearWinogradCache();
    expect(winogradCacheBytes()).toBe(0);
  });

  it("a forward pass on autograd's tape leaves V(x) for the filter gradient, which takes it (same bits as transforming x again)", () => {
    clearWinogradCache();
    const backend = tf.backend() as BackendWasm;
    // 3×3: 'auto' runs F(2,3) in the forward and in the filter gradient there (F(4,3) from 4×4; maps of
    // at most 2×2 run the forward as GEMMs per tap, small-map-conv.ts), so the forward keeps V(x).
    const [n, h, w, c] = [2, 3, 3, 16];
    // V(x): 16 frequencies of 8 tiles (2×2 tiles an image) × 16 channels, plus a cache line of padding each.
    const vBytes = 16 * (8 * 16 + 16) * 4;
    const x = tf.tensor4d(seededNormals(n * h * w * c, 6), [n, h, w, c]);
    const filter = tf.variable(tf.tensor4d(seededNormals(9 * c * c, 7), [3, 3, c, c]));
    const dy = tf.tensor4d(seededNormals(n * h * w * c, 8), [n, h, w, c]);
    const dwOf = (info: TensorInfo) => tf.tidy(() => tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array);
    // Off the tape nothing of x is kept, and the filter gradient transforms x itself.
    const yInfo = winogradConv2d(twoThreads, backend, x, filter, null, 'F2');
    tf.engine().makeTensorFromTensorInfo(yInfo).dispose();
    const filterBytes = winogradCacheBytes();
    const fresh = dwOf(winogradBackpropFilter(twoThreads, backend, x, dy, 'F2'));
    // On the tape (the forward of tf.grad): V(x) stays.
    let duringForward = 0;
    // tf.conv2d's kernels run these Winograd passes ('auto': F(2,3) from 16 channels on a 3×3 map).
    const dw = tf.tidy(() => tf.grad((f: tf.Tensor) => {
      const y = tf.conv2d(x, f as tf.Tensor4D, 1, 'same');
      duringForward = winogradCacheBytes();
      return tf.sum(tf.mul(y, dy));
    })(filter).dataSync() as Float32Array);
    expect(duringForward - filterBytes).toBe(vBytes);
    // The registered Conv2D gradient ran the engine's filter gradient, which took V(x).
    expect(winogradCacheBytes()).toBe(filterBytes);
    expect(sameBits(dw, fresh)).toBe(true);
    // A V(x) nobody takes (a gradient with respect to x only) is freed once x is gone.
    tf.tidy(() => {
      const xs = tf.mul(x, 2); // its own buffer (a clone would share x's, and with it x's entry)
      tf.grad((v: tf.Tensor) => tf.sum(tf.conv2d(v as tf.Tensor4D, filter, 1, 'same')))(xs);
      expect(winogradCacheBytes() - filterBytes).toBe(vBytes);
    });
    tf.engine().makeTensorFromTensorInfo(winogradConv2d(twoThreads, backend, x, filter, null, 'F2')).dispose();
    expect(winogradCacheBytes()).toBe(filterBytes);
    tf.dispose([x, filter, dy]);
    clearWinogradCache();
  });

  it("'auto' runs F(2,3) forward, F(4,3) for the filter gradient from 4×4 maps and for the input gradient from 8×8; the other modes, one variant everywhere", () => {
    expect(getWinogradMode()).toBe('auto');
    expect(F4_BACKWARD_MIN_SIZE).toBe(4);
    expect(F4_INPUT_GRAD_MIN_SIZE).toBe(8);
    for (const [h, w] of [[32, 32], [8, 8], [8, 40]]) {
      expect(winogradChoice('forward', h!, w!, 64, 64)).toBe('F2');
      expect(winogradChoice('inputGrad', h!, w!, 64, 64)).toBe('F4');
      expect(winogradChoice('filterGrad', h!, w!, 64, 64)).toBe('F4');
    }
    for (const [h, w] of [[4, 4], [4, 40], [7, 7]]) {
      expect(winogradChoice('forward', h!, w!, 512, 512)).toBe('F2');
      expect(winogradChoice('inputGrad', h!, w!, 512, 512), `${h}×${w}: the forward's U`).toBe('F2');
      expect(winogradChoice('filterGrad', h!, w!, 512, 512)).toBe('F4');
    }
    for (const [h, w] of [[2, 2], [3, 3], [3, 32]]) {
      for (const pass of ['forward', 'inputGrad', 'filterGrad'] as const) expect(winogradChoice(pass, h!, w!, 512, 512), `${pass} ${h}×${w}`).toBe('F2');
    }
    expect(winogradChoice('inputGrad', 32, 32, 3, 64)).toBeNull(); // the 3-channel first conv: implicit GEMM
    try {
      setWinogradMode('F2');
      expect(winogradChoice('filterGrad', 32, 32, 64, 64)).toBe('F2');
      setWinogradMode('F4');
      expect(winogradChoice('forward', 2, 2, 64, 64)).toBe('F4');
      setWinogradMode('off');
      expect(winogradChoice('forward', 32, 32, 64, 64)).toBeNull();
    } finally {
      setWinogradMode('auto');
    }
  });

  it("keeps no V(x) on the tape where the filter gradient runs the other variant (F(4,3) from 4×4), and that gradient is right", () => {
    clearWinogradCache();
    const [n, h, w, c] = [2, 8, 8, 16];
    const x = tf.tensor4d(seededNormals(n * h * w * c, 16), [n, h, w, c]);
    const filter = tf.variable(tf.tensor4d(seededNormals(9 * c * c, 17), [3, 3, c, c]));
    const dy = tf.tensor4d(seededNormals(n * h * w * c, 18), [n, h, w, c]);
    let keptDuringForward = -1;
    let filterBytes = -1;
    const dw = tf.tidy(() => tf.grad((f: tf.Tensor) => {
      const y = tf.conv2d(x, f as tf.Tensor4D, 1, 'same');
      keptDuringForward = winogradCacheBytes();
      filterBytes = 16 * (c * c + 16) * 4; // the forward's F(2,3) U: 16 frequencies of [16, 16] (+16 floats of padding)
      return tf.sum(tf.mul(y, dy));
    })(filter).dataSync() as Float32Array);
    expect(keptDuringForward).toBe(filterBytes); // the filter transform only, no V(x)
    const shape: ConvShape = { n, h, w, cin: c, cout: c };
    const reference = conv3x3FilterGradF64(shape, x.dataSync() as Float32Array, dy.dataSync() as Float32Array);
    expect(scaledError(dw, reference)).toBeLessThan(6e-5); // F(4,3)'s bound above
    tf.dispose([x, filter, dy]);
    clearWinogradCache();
  });

  it('leaks no tensors and no heap over many calls', () => {
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor4d(seededNormals(2 * 9 * 9 * 16, 3), [2, 9, 9, 16]);
    const w = tf.tensor4d(seededNormals(9 * 16 * 16, 4), [3, 3, 16, 16]);
    const dy = tf.tensor4d(seededNormals(2 * 9 * 9 * 16, 5), [2, 9, 9, 16]);
    const step = () => tf.tidy(() => {
      for (const variant of ['F4', 'F2'] as const) {
        tf.engine().makeTensorFromTensorInfo(winogradConv2d(twoThreads, backend, x, w, null, variant));
        tf.engine().makeTensorFromTensorInfo(winogradBackpropInput(twoThreads, backend, dy, w, variant));
        tf.engine().makeTensorFromTensorInfo(winogradBackpropFilter(twoThreads, backend, x, dy, variant));
      }
    });
    step();
    const before = tf.memory();
    const cacheBefore = winogradCacheBytes();
    // The scratch buffers are malloc'd and freed every call: after a warm-up the heap must not grow.
    const heapBefore = wasmHeapBytes();
    for (let i = 0; i < 30; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(winogradCacheBytes()).toBe(cacheBefore);
    expect(wasmHeapBytes()).toBe(heapBefore);
    x.dispose();
    w.dispose();
    dy.dispose();
    clearWinogradCache();
  });
});

describe('the fused Winograd convolution (blocks of tiles, V and M in each thread)', () => {
  afterAll(() => setWinogradBlockTiles(null));

  // Tiles: F(2,3) on 9×7 is 5·4 = 20 an image; blocks of 6 and 12 leave partial blocks and images
  // split across blocks. 16 × 24 channels: padded lanes in neither, 17 → 19: in both.
  const cases: Array<{ s: ConvShape; blocks: number[] }> = [
    { s: { n: 3, h: 9, w: 7, cin: 16, cout: 24 }, blocks: [6, 12, 60] },
    { s: { n: 2, h: 8, w: 8, cin: 17, cout: 19 }, blocks: [6, 18] },
    { s: { n: 1, h: 32, w: 32, cin: 64, cout: 64 }, blocks: [24, 60] },
  ];
  it.each(cases.map((c) => ({ ...c, name: `[${c.s.n}, ${c.s.h}, ${c.s.w}, ${c.s.cin}] → ${c.s.cout}` })))(
    '$name: forward (bias, residual) and input gradient in F(2,3) and F(4,3), the same bits as the three passes, on 1 and 2 threads',
    ({ s, blocks }) => {
      const backend = tf.backend() as BackendWasm;
      const x = tf.tensor4d(seededNormals(s.n * s.h * s.w * s.cin, 31), [s.n, s.h, s.w, s.cin]);
      const w = tf.tensor4d(seededNormals(9 * s.cin * s.cout, 32), [3, 3, s.cin, s.cout]);
      const b = tf.tensor1d(seededNormals(s.cout, 33));
      const residual = tf.tensor4d(seededNormals(s.n * s.h * s.w * s.cout, 34), [s.n, s.h, s.w, s.cout]);
      const dy = tf.tensor4d(seededNormals(s.n * s.h * s.w * s.cout, 35), [s.n, s.h, s.w, s.cout]);
      const values = (info: TensorInfo) => tf.tidy(() => tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array);
      for (const variant of ['F2', 'F4'] as const) {
        const passes = {
          forward: (e: Engine) => values(winogradConv2d(e, backend, x, w, b, variant, residual)),
          inputGrad: (e: Engine) => values(winogradBackpropInput(e, backend, dy, w, variant)),
        };
        for (const [pass, run] of Object.entries(passes)) {
          setWinogradBlockTiles(0);
          const unfused = run(twoThreads);
          const unfusedMulAdd = run(mulAdd);
          for (const block of blocks) {
            setWinogradBlockTiles(block);
            const what = `${pass} ${variant}, blocks of ${block}`;
            expect(sameBits(run(twoThreads), unfused), what).toBe(true);
            expect(sameBits(run(oneThread), unfused), `${what}, 1 thread`).toBe(true);
            expect(sameBits(run(mulAdd), unfusedMulAdd), `${what}, mul+add build`).toBe(true);
          }
        }
      }
      setWinogradBlockTiles(null);
      clearWinogradCache();
      tf.dispose([x, w, b, residual, dy]);
    },
    60_000,
  );

  it('leaks no tensors and no heap, and rejects a bad block size', () => {
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor4d(seededNormals(2 * 16 * 16 * 16, 41), [2, 16, 16, 16]);
    const w = tf.tensor4d(seededNormals(9 * 16 * 16, 42), [3, 3, 16, 16]);
    setWinogradBlockTiles(12);
    const step = () => tf.tidy(() => {
      tf.engine().makeTensorFromTensorInfo(winogradConv2d(twoThreads, backend, x, w, null, 'F2'));
      tf.engine().makeTensorFromTensorInfo(winogradBackpropInput(twoThreads, backend, x, w, 'F4'));
    });
    step();
    const before = tf.memory().numTensors;
    const heapBefore = wasmHeapBytes();
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(wasmHeapBytes()).toBe(heapBefore);
    setWinogradBlockTiles(null);
    expect(() => setWinogradBlockTiles(-1)).toThrow(/tiles must be a whole number ≥ 0 or null, got -1/);
    expect(() => setWinogradBlockTiles(2.5)).toThrow(/got 2.5/);
    clearWinogradCache();
    tf.dispose([x, w]);
  });
});
