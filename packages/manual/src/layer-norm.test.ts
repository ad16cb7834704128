// LayerNorm (Part 3 of docs/reference-settings.md): the original's output-statistics checks on 10 seeded shapes, and the
// tfjs functions @backprop/layers builds its custom-gradient version on.
import { initBackend, Rng, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { between, normalF64 } from './check-cases.js';
import { f64Ops } from './f64-ops.js';
import type { F64Tensor } from './f64-tensor.js';
import { LayerNorm } from './layer-norm.js';
import { layerNormBackward, layerNormBackwardWith, layerNormForward, layerNormForwardWith } from './layer-norm-functions.js';
import type { Ops } from './ops.js';
import { tfOps } from './tf-ops.js';

beforeAll(async () => {
  await initBackend();
});

/** Per-row mean and unbiased variance (torch's .var(dim=1) default). */
function rowStats(values: ArrayLike<number>, n: number, m: number): { means: number[]; vars: number[] } {
  const means: number[] = [];
  const vars: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += values[i * m + j]!;
    const mu = s / m;
    let v = 0;
    for (let j = 0; j < m; j++) v += (values[i * m + j]! - mu) ** 2;
    means.push(mu);
    vars.push(v / (m - 1));
  }
  return { means, vars };
}

function outputsOn<T>(ops: Ops<T>, x: F64Tensor, beta?: (j: number) => number): Float32Array | Float64Array {
  const [n, m] = x.shape as [number, number];
  const ln = new LayerNorm<T>(m, 1e-5, { ops });
  if (beta) {
    const b = ops.fromArray(Array.from({ length: m }, (_, j) => beta(j)), [m]);
    ops.assign(ln.params.bias, b);
    ops.dispose(b);
  }
  const xT = ops.fromArray(x.data, [n, m]);
  const y = ln.forward(xT);
  const values = ops.toArray(y);
  ln.releaseCache();
  ops.dispose([xT, y]);
  ln.dispose();
  return values;
}

describe('LayerNorm output statistics (x ~ 2·N(0,1) + 10, batch 8–32, features 64–256, 10 seeds)', () => {
  it.each([
    ['float32 WASM', tfOps as Ops<unknown>],
    ['float64', f64Ops as Ops<unknown>],
  ] as const)('%s: per-sample mean |·| < 1e-5 and variance within 0.1 of 1', (_, ops) => {
    const rng = new Rng(42);
    for (let c = 0; c < 10; c++) {
      const [n, m] = [between(rng, 8, 32), between(rng, 64, 256)];
      const y = outputsOn(ops, normalF64(rng, [n, m], 10, 2));
      const { means, vars } = rowStats(y, n, m);
      for (const mu of means) expect(Math.abs(mu)).toBeLessThan(1e-5);
      for (const v of vars) expect(Math.abs(v - 1)).toBeLessThan(0.1);
    }
  });

  it('float64, γ = 1 and β = 100·arange(n): output means equal mean(β) within 1e-5', () => {
    const rng = new Rng(42);
    for (let c = 0; c < 10; c++) {
      const [n, m] = [between(rng, 4, 8), between(rng, 6, 12)];
      const y = outputsOn(f64Ops, normalF64(rng, [n, m], 10, 2), (j) => 100 * j);
      const meanBeta = (100 * (m - 1)) / 2;
      for (const mu of rowStats(y, n, m).means) expect(Math.abs(mu - meanBeta)).toBeLessThan(1e-5);
    }
  });
});

describe('layerNormForward / layerNormBackward (tfjs, for @backprop/layers)', () => {
  it('match the float64 math and the LayerNorm module, leaving only their results', () => {
    const rng = new Rng(5);
    const [n, m] = [7, 13];
    const xs = normalF64(rng, [n, m], 3, 2);
    const gs = normalF64(rng, [m], 1, 0.5);
    const bs = normalF64(rng, [m]);
    const dys = normalF64(rng, [n, m]);
    const ref = layerNormForwardWith(f64Ops, xs, gs, bs, 1e-5);
    const refBack = layerNormBackwardWith(f64Ops, dys, ref.xHat, ref.invStd, gs);
    const [x, g, b, dy] = [xs, gs, bs, dys].map((t) => tf.tensor(Float32Array.from(t.data), [...t.shape]));
    const before = tf.memory().numTensors;
    const { y, xHat, invStd } = layerNormForward(x!, g!, b!, 1e-5);
    const { dx, dgamma, dbeta } = layerNormBackward(dy!, xHat, invStd, g!);
    expect(tf.memory().numTensors - before).toBe(6);
    expect(y.shape).toEqual([n, m]);
    expect(invStd.shape).toEqual([n, 1]);
    expect(dgamma.shape).toEqual([m]);
    const pairs: Array<[tf.Tensor, F64Tensor]> = [
      [y, ref.y],
      [xHat, ref.xHat],
      [invStd, ref.invStd],
      [dx, refBack.dx],
      [dgamma, refBack.dgamma],
      [dbeta, refBack.dbeta],
    ];
    for (const [got, want] of pairs) {
      const g32 = got.dataSync();
      const scale = Math.max(...want.data.map(Math.abs));
      want.data.forEach((v, i) => expect(Math.abs(g32[i]! - v) / scale).toBeLessThan(1e-5));
    }
    tf.dispose([x!, g!, b!, dy!, y, xHat, invStd, dx, dgamma, dbeta]);
  });

  it('reject non-2-D x and mismatched γ, β, dy, invStd with the expected shape', () => {
    const x = tf.zeros([2, 3]);
    const v3 = tf.ones([3]);
    expect(() => layerNormForward(tf.zeros([3]), v3, v3)).toThrow('layerNormForward: x must be 2-D [N, M], got [3]');
    expect(() => layerNormForward(x, tf.ones([4]), v3)).toThrow('layerNormForward: gamma must have shape [3], got [4]');
    expect(() => layerNormForward(x, v3, v3, 0)).toThrow('layerNormForward: eps must be positive, got 0');
    expect(() => layerNormBackward(tf.zeros([2, 4]), x, tf.ones([2, 1]), v3)).toThrow('layerNormBackward: dy must have shape [2, 3], got [2, 4]');
    expect(() => layerNormBackward(x, x, tf.ones([2]), v3)).toThrow('layerNormBackward: invStd must have shape [2, 1], got [2]');
  });

  it('LayerNorm starts at γ = 1, β = 0 and rejects bad arguments', () => {
    const ln = new LayerNorm<F64Tensor>(4, 1e-5, { ops: f64Ops });
    expect([...ln.params.weight.data]).toEqual([1, 1, 1, 1]);
    expect([...ln.params.bias.data]).toEqual([0, 0, 0, 0]);
    expect(() => new LayerNorm(0)).toThrow('LayerNorm: nFeatures must be a positive integer, got 0');
    expect(() => new LayerNorm(3, -1)).toThrow('LayerNorm: eps must be positive, got -1');
  });
});
