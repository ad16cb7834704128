// conv2d (ops/conv2d.ts): the same values and gradients as tf.fused.conv2d, bit for bit (the same
// kernels run), but autograd computes only the gradients on a path to what is differentiated —
// a conv on input images runs no Conv2DBackpropInput — on WASM and on tfjs-backend-cpu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { conv2d, conv2dAddResidual, type Conv2dOptions } from './conv2d.js';
import { setWinogradMode, type WinogradMode } from '../kernels/winograd.js';
import { sameBits, seededTensor } from '../test/index.js';

beforeAll(async () => {
  await initBackend({ threads: 2 });
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  options: Conv2dOptions;
  bias: boolean;
}

const cases: Case[] = [
  { name: '3×3 same, bias (Winograd on WASM)', x: [2, 8, 8, 16], filter: [3, 3, 16, 16], options: { strides: 1, pad: 1 }, bias: true },
  { name: '3×3 on 3 channels, bias (implicit GEMM)', x: [3, 7, 9, 3], filter: [3, 3, 3, 8], options: { strides: 1, pad: 'same' }, bias: true },
  { name: '1×1 stride 2, no bias', x: [1, 5, 6, 4], filter: [1, 1, 4, 6], options: { strides: [2, 2], pad: 0 }, bias: false },
  { name: '2×3 valid, explicit padding', x: [2, 6, 5, 3], filter: [2, 3, 3, 5], options: { strides: 1, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] }, bias: true },
];

/** A trainable variable of seeded normals (its initial tensor disposed: a variable keeps the data). */
function variable(shape: number[], seed: number): tf.Variable {
  const t = seededTensor(shape, seed);
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

/** Output and gradients (x, filter, bias) of sum(conv · dy), by `conv2d` or tf.fused.conv2d. */
function run(c: Case, which: 'ours' | 'fused'): Float32Array[] {
  const x = variable(c.x, 1) as tf.Variable<tf.Rank.R4>;
  const filter = variable(c.filter, 2) as tf.Variable<tf.Rank.R4>;
  const bias = c.bias ? (variable([c.filter[3]], 3) as tf.Variable<tf.Rank.R1>) : null;
  const conv = () =>
    which === 'ours'
      ? conv2d(x, filter, bias, c.options)
      : tf.fused.conv2d({ x, filter, bias: bias ?? undefined, strides: c.options.strides, pad: c.options.pad });
  const y = conv();
  const dy = seededTensor(y.shape, 4);
  const vars = bias ? [x, filter, bias] : [x, filter];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(conv(), dy)) as tf.Scalar, vars);
  const values = [y, ...vars.map((v) => grads[v.name]!)].map((t) => t.dataSync() as Float32Array);
  tf.dispose([y, dy, value, ...Object.values(grads), ...vars]);
  return values;
}

/** Kernels run by one gradient computation with respect to `wrt` only. */
async function kernelsOfGradient(which: 'ours' | 'fused', wrt: 'weights' | 'all'): Promise<string[]> {
  const c = cases[0]!;
  const x = variable(c.x, 1) as tf.Variable<tf.Rank.R4>;
  const filter = variable(c.filter, 2) as tf.Variable<tf.Rank.R4>;
  const bias = variable([c.filter[3]], 3) as tf.Variable<tf.Rank.R1>;
  const conv = () => (which === 'ours' ? conv2d(x, filter, bias, c.options) : tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 1 }));
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(conv()) as tf.Scalar, wrt === 'all' ? [x, filter, bias] : [filter, bias]);
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose([x, filter, bias]);
  return profile.kernels.map((k) => k.name);
}

describe.each(['wasm', 'cpu'] as const)('conv2d on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(cases)('$name: output and gradients bit-identical to tf.fused.conv2d', (c) => {
    const before = tf.memory().numTensors;
    const ours = run(c, 'ours');
    const fused = run(c, 'fused');
    expect(ours.length).toBe(fused.length);
    for (let i = 0; i < ours.length; i++) expect(sameBits(ours[i]!, fused[i]!), `output ${i}`).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes no input gradient for an input it is not differentiated by', async () => {
    const weightsOnly = await kernelsOfGradient('ours', 'weights');
    expect(weightsOnly).toContain('Conv2DBackpropFilter');
    expect(weightsOnly).not.toContain('Conv2DBackpropInput');
    expect(await kernelsOfGradient('ours', 'all')).toContain('Conv2DBackpropInput');
    // What it replaces: tf.fused.conv2d's customGrad computes dx all the same.
    expect(await kernelsOfGradient('fused', 'weights')).toContain('Conv2DBackpropInput');
  });
});

describe('conv2d errors', () => {
  it('names the argument, the expected and the actual shape', () => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 3, 8]) as tf.Tensor4D;
    expect(() => conv2d(tf.zeros([4, 4, 3]) as unknown as tf.Tensor4D, w, null, { strides: 1, pad: 1 })).toThrow(/x must be NHWC.*\[4, 4, 3\]/);
    expect(() => conv2d(x, tf.zeros([3, 3, 2, 8]) as tf.Tensor4D, null, { strides: 1, pad: 1 })).toThrow(/x has 3 channels/);
    expect(() => conv2d(x, w, tf.zeros([7]) as tf.Tensor1D, { strides: 1, pad: 1 })).toThrow(/bias must be \[8\], got \[7\]/);
    tf.dispose([x, w]);
  });
});

/** Output and gradients (x, filter, bias, residual) of sum((residual + conv) · dy), fused or as conv2d then tf.add. */
function runResidual(c: Case, which: 'fused' | 'separate'): Float32Array[] {
  const x = variable(c.x, 1) as tf.Variable<tf.Rank.R4>;
  const filter = variable(c.filter, 2) as tf.Variable<tf.Rank.R4>;
  const bias = c.bias ? (variable([c.filter[3]], 3) as tf.Variable<tf.Rank.R1>) : null;
  const outShape = tf.tidy(() => conv2d(x, filter, bias, c.options).shape);
  const residual = variable(outShape, 5) as tf.Variable<tf.Rank.R4>;
  const block = () => (which === 'fused' ? conv2dAddResidual(x, filter, bias, residual, c.options) : tf.add(residual, conv2d(x, filter, bias, c.options)));
  const y = tf.tidy(block);
  const dy = seededTensor(y.shape, 4);
  const vars = bias ? [x, filter, bias, residual] : [x, filter, residual];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(block(), dy)) as tf.Scalar, vars);
  const values = [y, ...vars.map((v) => grads[v.name]!)].map((t) => t.dataSync() as Float32Array);
  tf.dispose([y, dy, value, ...Object.values(grads), ...vars]);
  return values;
}

// A residual block's conv and sum: on WASM one kernel (the sum in the Winograd output transform, or
// FusedConv2D then Add where Winograd does not run), elsewhere conv2d then tf.add — the same bits and
// gradients as the two ops, the residual's gradient dy.
describe.each(['wasm', 'cpu'] as const)('conv2dAddResidual on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(() => setWinogradMode('auto'));

  const modes: WinogradMode[] = ['auto', 'F4', 'F2', 'off'];
  it.each(modes)('Winograd %s: every case bit-identical to conv2d then tf.add, outputs and gradients', (mode) => {
    setWinogradMode(mode);
    for (const c of [...cases, { name: '3×3 on a 2×2 map, 5 channels', x: [3, 2, 2, 5], filter: [3, 3, 5, 6], options: { strides: 1, pad: 1 }, bias: true } as Case]) {
      const before = tf.memory().numTensors;
      const fused = runResidual(c, 'fused');
      const separate = runResidual(c, 'separate');
      expect(fused.length).toBe(separate.length);
      for (let i = 0; i < fused.length; i++) expect(sameBits(fused[i]!, separate[i]!), `${c.name}: output ${i}`).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it.runIf(backend === 'wasm')('runs one kernel and no Add on the Winograd path', async () => {
    setWinogradMode('auto');
    const c = cases[0]!;
    const [x, filter, residual] = [seededTensor(c.x, 1), seededTensor(c.filter, 2), seededTensor(c.x, 3)] as tf.Tensor4D[];
    const profile = await tf.profile(() => conv2dAddResidual(x!, filter!, null, residual!, c.options).dispose());
    expect(profile.kernels.map((k) => k.name)).toEqual(['BackpropConv2DAddResidual']);
    tf.dispose([x!, filter!, residual!]);
  });
});

describe.each(['wasm', 'cpu'] as const)('conv2dAddResidual errors on %s', (backend) => {
  it('names the residual and the shape it must have', async () => {
    await tf.setBackend(backend);
    const [x, w, r] = [tf.zeros([1, 4, 4, 3]), tf.zeros([3, 3, 3, 8]), tf.zeros([1, 4, 4, 3])] as tf.Tensor4D[];
    expect(() => conv2dAddResidual(x!, w!, null, r!, { strides: 1, pad: 1 })).toThrow(/residual must be (float32 )?\[1, 4, 4, 8\] like the conv's output, got (float32 )?\[1, 4, 4, 3\]/);
    expect(() => conv2dAddResidual(x!, tf.zeros([3, 3, 2, 8]) as tf.Tensor4D, null, r!, { strides: 1, pad: 1 })).toThrow(/conv2dAddResidual: x has 3 channels/);
    tf.dispose([x!, w!, r!]);
  });
});
