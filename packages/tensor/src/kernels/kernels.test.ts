// Every Backprop WASM kernel against tfjs-backend-cpu (the plain JS reference) on seeded inputs.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { scaledError, seededNormals, valuesOn } from '../test/index.js';
import { shapeSize } from '../checks.js';


/** tfjs-core does not export conv2dBackpropFilter; run the kernel as its conv2d gradient does. */
const backpropFilter = (x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], strides: number, pad: 'same' | 'valid'): tf.Tensor =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined as never, filterShape }) as tf.Tensor;

/** The WASM kernels' error against tfjs-backend-cpu on one computation, scaled by the reference's size. */
async function compare(fn: () => tf.Tensor): Promise<number> {
  return scaledError(await valuesOn('wasm', fn), await valuesOn('cpu', fn));
}

beforeAll(async () => {
  await initBackend();
});

interface ConvCase {
  batch: number;
  size: number;
  inC: number;
  outC: number;
  k: number;
  stride: 1 | 2;
  pad: 'same' | 'valid';
}

const convCases: ConvCase[] = [
  { batch: 1, size: 9, inC: 3, outC: 8, k: 3, stride: 1, pad: 'same' },
  { batch: 1, size: 9, inC: 3, outC: 8, k: 3, stride: 2, pad: 'valid' },
  { batch: 32, size: 8, inC: 16, outC: 32, k: 3, stride: 1, pad: 'same' },
  { batch: 32, size: 8, inC: 16, outC: 32, k: 3, stride: 2, pad: 'same' },
  { batch: 4, size: 7, inC: 64, outC: 128, k: 1, stride: 1, pad: 'valid' },
  { batch: 4, size: 8, inC: 64, outC: 32, k: 1, stride: 2, pad: 'same' },
  { batch: 1, size: 3, inC: 512, outC: 512, k: 3, stride: 1, pad: 'same' },
  { batch: 32, size: 2, inC: 256, outC: 512, k: 1, stride: 1, pad: 'valid' },
  { batch: 1, size: 10, inC: 5, outC: 7, k: 3, stride: 2, pad: 'valid' },
  // Conv2DBackpropFilter's shifted-view path (large images) with several 2048-position GEMM chunks:
  { batch: 4, size: 32, inC: 4, outC: 8, k: 3, stride: 1, pad: 'same' },
  { batch: 5, size: 24, inC: 6, outC: 3, k: 3, stride: 1, pad: 'valid' },
  { batch: 2, size: 32, inC: 8, outC: 4, k: 3, stride: 1, pad: 'same' },
  // … and the row-by-row path of few input channels (KH·KW·Cin ≤ 32): the first layer's shape, and an
  // output width (22) that does not divide the 2048-position pieces:
  { batch: 3, size: 32, inC: 3, outC: 64, k: 3, stride: 1, pad: 'same' },
  { batch: 5, size: 24, inC: 3, outC: 4, k: 3, stride: 1, pad: 'valid' },
];

describe.each(convCases)('conv %o', (c) => {
  const xShape = [c.batch, c.size, c.size, c.inC] as [number, number, number, number];
  const wShape = [c.k, c.k, c.inC, c.outC] as [number, number, number, number];
  const outSize = c.pad === 'same' ? Math.ceil(c.size / c.stride) : Math.floor((c.size - c.k) / c.stride) + 1;
  const dyShape = [c.batch, outSize, outSize, c.outC] as [number, number, number, number];
  const x = seededNormals(shapeSize(xShape), 1);
  const w = seededNormals(shapeSize(wShape), 2);
  const dy = seededNormals(shapeSize(dyShape), 3);

  it('Conv2DBackpropFilter matches tfjs-backend-cpu', async () => {
    const err = await compare(() => backpropFilter(tf.tensor4d(x, xShape), tf.tensor4d(dy, dyShape), wShape, c.stride, c.pad));
    expect(err).toBeLessThan(1e-4);
  });

  it('Conv2DBackpropInput matches tfjs-backend-cpu', async () => {
    const err = await compare(() => tf.conv2dTranspose(tf.tensor4d(dy, dyShape), tf.tensor4d(w, wShape), xShape, c.stride, c.pad));
    expect(err).toBeLessThan(1e-4);
  });
});

describe('BatchMatMul', () => {
  const cases: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
  it.each(cases)('transposeA=%s transposeB=%s matches tfjs-backend-cpu (2-D and batched)', async (ta, tb) => {
    const [m, k, n] = [37, 53, 29];
    const aShape = ta ? [k, m] : [m, k];
    const bShape = tb ? [n, k] : [k, n];
    const a = seededNormals(shapeSize(aShape), 4);
    const b = seededNormals(shapeSize(bShape), 5);
    expect(await compare(() => tf.matMul(tf.tensor2d(a, aShape as [number, number]), tf.tensor2d(b, bShape as [number, number]), ta, tb))).toBeLessThan(1e-5);
    const a3 = seededNormals(3 * shapeSize(aShape), 6);
    const b3 = seededNormals(3 * shapeSize(bShape), 7);
    expect(
      await compare(() => tf.matMul(tf.tensor3d(a3, [3, ...aShape] as never), tf.tensor3d(b3, [3, ...bShape] as never), ta, tb)),
    ).toBeLessThan(1e-5);
  });
});

describe('Slice', () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[37, 53], [3, 5], [20, 40]],
    [[4, 9, 7], [1, 2, 3], [2, 5, 4]],
    [[3, 6, 6, 5], [1, 1, 2, 0], [2, 4, 3, 5]],
    [[2, 3, 4, 5, 6], [1, 0, 1, 2, 3], [1, 3, 2, 3, 2]],
    [[100, 8], [10, 0], [50, 8]],
  ];
  it.each(cases)('shape %j begin %j size %j matches tfjs-backend-cpu', async (shape, begin, sz) => {
    const x = seededNormals(shapeSize(shape), 11);
    expect(await compare(() => tf.slice(tf.tensor(x, shape), begin, sz))).toBe(0);
  });
});

describe('leaks', () => {
  it('repeated kernel calls leave tf.memory().numTensors unchanged', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seededNormals(2 * 8 * 8 * 4, 8), [2, 8, 8, 4]);
    const w = tf.tensor4d(seededNormals(3 * 3 * 4 * 6, 9), [3, 3, 4, 6]);
    const a = tf.tensor2d(seededNormals(12, 10), [3, 4]);
    const step = () =>
      tf.tidy(() => {
        const dy = tf.conv2d(x, w, 2, 'same');
        backpropFilter(x, dy, [3, 3, 4, 6], 2, 'same');
        tf.conv2dTranspose(dy, w, [2, 8, 8, 4], 2, 'same');
        tf.matMul(a, a, true, false);
        tf.matMul(a, a, false, true);
        tf.slice(x, [0, 1, 2, 0], [1, 4, 4, 2]);
      });
    step();
    const tensors = tf.memory().numTensors;
    const bytes = (tf.memory() as { numBytes: number }).numBytes;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.memory() as { numBytes: number }).numBytes).toBe(bytes);
    // The backend's own data map must not grow either (intermediates of fused kernels freed).
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    step();
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, w, a]);
  });
});

describe('MaxPoolGrad', () => {
  const cases: Array<{ shape: [number, number, number, number]; k: number; s: number; pad: 'same' | 'valid' | number; shift: number }> = [
    { shape: [1, 4, 4, 1], k: 2, s: 2, pad: 0, shift: -5 }, // every window negative: the stock kernel's bug
    { shape: [2, 9, 9, 3], k: 3, s: 2, pad: 1, shift: 0 },
    { shape: [2, 8, 8, 4], k: 3, s: 2, pad: 'same', shift: -1 },
    { shape: [1, 7, 5, 2], k: 2, s: 1, pad: 'valid', shift: 0 },
  ];
  it.each(cases)('$shape k$k s$s pad $pad matches tfjs-backend-cpu', async ({ shape, k, s, pad, shift }) => {
    const x = seededNormals(shapeSize(shape), 12).map((v) => v + shift);
    const err = await compare(() => tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, k, s, pad).mul(tf.range(1, 1 + shapeSize(tf.maxPool(v as tf.Tensor4D, k, s, pad).shape)).reshape(tf.maxPool(v as tf.Tensor4D, k, s, pad).shape)).sum())(tf.tensor4d(x, shape)));
    expect(err).toBe(0);
  });
});
