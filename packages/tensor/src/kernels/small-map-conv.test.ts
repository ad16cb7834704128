// 3×3 'same' convolutions on maps of at most 2×2 as GEMMs per tap: the forward (with and without a
// bias) and the input gradient against a float64 direct conv on edge shapes (1×1, 1×2, 2×1, odd
// channel counts, batch 1) and the CNN's 2×2 layer; both engine builds; the same bits on 1 and 2
// threads; which passes and modes take the path; the registered kernels run it; no leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngines, stopTestEngines, wasmHeapBytes } from '../engine/test-engines.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';
import { sameBits, scaledError, seededNormals } from '../test/index.js';
import type { Engine } from '../engine/engine.js';
import { conv2d, conv2dAddResidual } from '../ops/conv2d.js';
import { conv3x3F64, conv3x3InputGradF64, type ConvShape } from './direct-conv-f64.js';
import { convGeometry } from './conv-geometry.js';
import { smallMapChosen, smallMapConvForward, smallMapConvInputGrad } from './small-map-conv.js';
import { clearWinogradCache, setWinogradMode, winogradConv2d, type WinogradMode } from './winograd.js';

let twoThreads: Engine;
let oneThread: Engine;
let mulAdd: Engine;

beforeAll(async () => {
  ({ twoThreads, oneThread, mulAdd } = await startTestEngines());
});

afterAll(() => {
  setWinogradMode('auto');
  clearWinogradCache();
  stopTestEngines({ twoThreads, oneThread, mulAdd });
});

const geometry = (s: ConvShape) => convGeometry([s.n, s.h, s.w, s.cin], [3, 3, s.cin, s.cout], { strides: 1, pad: 1 }, 'test');

interface Data {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

function data(s: ConvShape, seed: number): Data {
  return {
    x: seededNormals(s.n * s.h * s.w * s.cin, seed),
    w: seededNormals(9 * s.cin * s.cout, seed + 1),
    b: seededNormals(s.cout, seed + 2),
    dy: seededNormals(s.n * s.h * s.w * s.cout, seed + 3),
  };
}

/** One pass on `engine`, the inputs made (and freed) inside; the values leave through a variable. */
function onEngine(engine: Engine, pass: 'forward' | 'forwardNoBias' | 'inputGrad', s: ConvShape, d: Data): Float32Array {
  const backend = tf.backend() as BackendWasm;
  let out: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    const x = tf.tensor4d(d.x, [s.n, s.h, s.w, s.cin]);
    const w = tf.tensor4d(d.w, [3, 3, s.cin, s.cout]);
    const dy = tf.tensor4d(d.dy, [s.n, s.h, s.w, s.cout]);
    let info: TensorInfo;
    if (pass === 'inputGrad') info = smallMapConvInputGrad(engine, backend, dy, w, geometry(s));
    else info = smallMapConvForward(engine, backend, x, w, pass === 'forward' ? tf.tensor1d(d.b) : null, geometry(s));
    out = tf.engine().makeTensorFromTensorInfo(info).dataSync() as Float32Array;
  });
  return out;
}

const shapes: ConvShape[] = [
  { n: 1, h: 1, w: 1, cin: 16, cout: 16 },
  { n: 2, h: 1, w: 2, cin: 16, cout: 20 },
  { n: 3, h: 2, w: 1, cin: 17, cout: 19 },
  { n: 1, h: 2, w: 2, cin: 20, cout: 24 },
  { n: 5, h: 2, w: 2, cin: 33, cout: 18 },
  // The centre tap's GEMM splits over both threads here (8·4 rows × 128 × 128 multiply-adds).
  { n: 8, h: 2, w: 2, cin: 128, cout: 128 },
  // The CNN's last PreAct blocks (512 channels on 2×2), at batch 4.
  { n: 4, h: 2, w: 2, cin: 512, cout: 512 },
];

describe('convolutions on maps of at most 2×2 as GEMMs per tap', () => {
  it.each(shapes.map((s) => ({ ...s, name: `[${s.n}, ${s.h}, ${s.w}, ${s.cin}] → ${s.cout}` })))(
    '$name: forward and input gradient equal to a float64 direct conv, same bits on 1 and 2 threads',
    (s) => {
      const d = data(s, s.n * 100 + s.cin);
      const references = {
        forward: conv3x3F64(s, d.x, d.w, d.b),
        forwardNoBias: conv3x3F64(s, d.x, d.w, new Float32Array(s.cout)),
        inputGrad: conv3x3InputGradF64(s, d.dy, d.w),
      };
      for (const pass of ['forward', 'forwardNoBias', 'inputGrad'] as const) {
        const reference = Float32Array.from(references[pass]);
        const two = onEngine(twoThreads, pass, s, d);
        expect(two.length, pass).toBe(reference.length);
        // Float32 direct-conv accuracy, as the engine's implicit GEMM (winograd.test.ts: 1e-5).
        expect(scaledError(two, reference), pass).toBeLessThan(1e-5);
        expect(scaledError(onEngine(mulAdd, pass, s, d), reference), `${pass} (mul+add build)`).toBeLessThan(1e-5);
        expect(sameBits(onEngine(oneThread, pass, s, d), two), `${pass}: 1 and 2 threads`).toBe(true);
      }
    },
    60_000,
  );

  it("is chosen in Winograd mode 'auto' for the forward and the input gradient on maps up to 2×2 from 16 channels", () => {
    const g = (h: number, w: number, c = 64) => geometry({ n: 2, h, w, cin: c, cout: c });
    for (const [h, w] of [[2, 2], [1, 1], [1, 2], [2, 1]]) {
      expect(smallMapChosen('forward', g(h!, w!)), `${h}×${w}`).toBe(true);
      expect(smallMapChosen('inputGrad', g(h!, w!)), `${h}×${w}`).toBe(true);
      expect(smallMapChosen('filterGrad', g(h!, w!)), `${h}×${w}: F(2,3) stays`).toBe(false);
    }
    expect(smallMapChosen('forward', g(3, 3))).toBe(false);
    expect(smallMapChosen('forward', g(2, 3))).toBe(false);
    expect(smallMapChosen('forward', g(2, 2, 8))).toBe(false); // few channels: im2col
    expect(smallMapChosen('forward', convGeometry([2, 2, 2, 64], [1, 1, 64, 64], { strides: 1, pad: 0 }, 'test'))).toBe(false);
    try {
      for (const mode of ['F2', 'F4', 'off'] as WinogradMode[]) {
        setWinogradMode(mode);
        expect(smallMapChosen('forward', g(2, 2)), mode).toBe(false);
        expect(smallMapChosen('inputGrad', g(2, 2)), mode).toBe(false);
      }
    } finally {
      setWinogradMode('auto');
    }
  });

  it("the registered kernels run it in 'auto' (conv2d, the residual block's conv, the input gradient) and Winograd in 'F2'", () => {
    const s: ConvShape = { n: 3, h: 2, w: 2, cin: 16, cout: 24 };
    const d = data(s, 7);
    const values = (t: tf.Tensor) => t.dataSync() as Float32Array;
    const x = tf.tensor4d(d.x, [s.n, s.h, s.w, s.cin]);
    const w = tf.tensor4d(d.w, [3, 3, s.cin, s.cout]);
    const b = tf.tensor1d(d.b);
    const dy = tf.tensor4d(d.dy, [s.n, s.h, s.w, s.cout]);
    const residual = tf.tensor4d(seededNormals(s.n * s.h * s.w * s.cout, 11), [s.n, s.h, s.w, s.cout]);
    const before = tf.memory().numTensors;
    const options = { strides: 1, pad: 1 } as const;
    tf.tidy(() => {
      const direct = onEngine(twoThreads, 'forward', s, d);
      expect(sameBits(values(conv2d(x, w, b, options)), direct), 'conv2d').toBe(true);
      // The residual is added after the conv, as tf.add would: the same bits.
      const summed = tf.add(tf.tensor4d(direct, [s.n, s.h, s.w, s.cout]), residual);
      expect(sameBits(values(conv2dAddResidual(x, w, b, residual, options)), values(summed)), 'conv2dAddResidual').toBe(true);
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 1, dataFormat: 'NHWC', inputShape: x.shape } as never) as tf.Tensor;
      expect(sameBits(values(dx), onEngine(twoThreads, 'inputGrad', s, d)), 'Conv2DBackpropInput').toBe(true);
      // Mode F2: Winograd's bits, which differ from the per-tap GEMMs' (other rounding).
      setWinogradMode('F2');
      try {
        const f2 = values(tf.engine().makeTensorFromTensorInfo(winogradConv2d(twoThreads, tf.backend() as BackendWasm, x, w, b, 'F2')));
        const viaKernel = values(conv2d(x, w, b, options));
        expect(sameBits(viaKernel, f2), 'conv2d in F2 mode').toBe(true);
        expect(sameBits(viaKernel, direct), 'F(2,3) and the per-tap GEMMs round differently').toBe(false);
      } finally {
        setWinogradMode('auto');
      }
    });
    clearWinogradCache();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, dy, residual]);
  });

  it('names the function and the geometry it cannot take', () => {
    const backend = tf.backend() as BackendWasm;
    tf.tidy(() => {
      const x = tf.zeros([1, 3, 3, 16]);
      const w = tf.zeros([3, 3, 16, 16]);
      const g = geometry({ n: 1, h: 3, w: 3, cin: 16, cout: 16 });
      expect(() => smallMapConvForward(twoThreads, backend, x, w, null, g)).toThrow(/smallMapConvForward: needs .* map of at most 2×2, got a 3×3 filter on 3×3/);
      expect(() => smallMapConvInputGrad(twoThreads, backend, x, w, g)).toThrow(/smallMapConvInputGrad: needs/);
    });
  });

  it('leaks no tensors and no heap over many calls', () => {
    const s: ConvShape = { n: 4, h: 2, w: 2, cin: 32, cout: 32 };
    const d = data(s, 21);
    const step = () => {
      onEngine(twoThreads, 'forward', s, d);
      onEngine(twoThreads, 'inputGrad', s, d);
    };
    step();
    const before = tf.memory();
    const heapBefore = wasmHeapBytes();
    for (let i = 0; i < 30; i++) step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(wasmHeapBytes()).toBe(heapBefore);
  });
});
