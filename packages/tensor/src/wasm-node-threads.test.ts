// WASM threads under Node (wasm-node-threads.ts). Its own file: a process picks its thread
// count once, and vitest runs each file in a fresh process.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Rng } from './random.js';
import { tf } from './tf.js';
import { scaledError, valuesOn } from './test/index.js';
import { shapeSize } from './checks.js';

const normal = (shape: number[], seed: number) => tf.tensor(new Rng(seed).fillNormal(new Float32Array(shapeSize(shape))), shape);

/** scaledError of WASM against tfjs-backend-cpu: the conv and matMul outputs are sums of hundreds of terms. */
async function wasmVsCpu(fn: () => tf.Tensor): Promise<number> {
  return scaledError(await valuesOn('wasm', fn), await valuesOn('cpu', fn));
}

describe('initBackend({ threads: 2 }) under Node', () => {
  beforeAll(async () => {
    const info = await initBackend({ threads: 2 });
    expect(info).toMatchObject({ backend: 'wasm', simd: true, threads: 2, engine: { threads: 2 } });
  });

  it("gives the engine's pool both threads and tfjs's XNNPACK pool one, so they never compete for the cores", () => {
    expect(getThreadsCount()).toBe(1);
    expect((tf.backend() as unknown as { wasm: { wasmMemory: WebAssembly.Memory } }).wasm.wasmMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('the thread count is fixed by the first call', async () => {
    await expect(initBackend({ threads: 2 })).resolves.toMatchObject({ threads: 2 });
    await expect(initBackend()).resolves.toMatchObject({ threads: 2 });
    await expect(initBackend({ threads: 1 })).rejects.toThrow('initBackend: WASM already started with 2 thread(s); options.threads (1) must be given on the first call');
  });

  it.each([
    ['matMul x·Wᵀ', () => tf.matMul(normal([64, 300], 1), normal([50, 300], 2), false, true)],
    ['matMul aᵀ·b', () => tf.matMul(normal([300, 64], 3), normal([300, 50], 4), true, false)],
    ['conv2d', () => tf.conv2d(normal([4, 12, 12, 16], 5) as tf.Tensor4D, normal([3, 3, 16, 24], 6) as tf.Tensor4D, 1, 'same')],
    ['conv2d input gradient', () => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, normal([3, 3, 16, 24], 6) as tf.Tensor4D, 1, 'same').square().sum())(normal([4, 12, 12, 16], 5))],
    ['conv2d filter gradient', () => tf.grad((w: tf.Tensor) => tf.conv2d(normal([4, 12, 12, 16], 5) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').square().sum())(normal([3, 3, 16, 24], 6))],
  ])('%s agrees with tfjs-cpu', async (_name, fn) => {
    expect(await wasmVsCpu(fn)).toBeLessThan(1e-5);
  });

  it('a training step leaves the tensor count unchanged', () => {
    const w = tf.variable(normal([3, 3, 8, 8], 7));
    const x = normal([2, 10, 10, 8], 8);
    const step = () => tf.tidy(() => {
      const g = tf.grad((wv: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, wv as tf.Tensor4D, 1, 'same').square().mean())(w);
      w.assign(w.sub(g.mul(0.01)));
    });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
    x.dispose();
  });
});
