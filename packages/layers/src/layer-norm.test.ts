// Part 3 of docs/reference-settings.md's LayerNorm tests for all three versions — (a) LayerNormAutograd, (b) layerNormManual
// (tf.customGrad over @backprop/manual's hand-derived backward), (c) LayerNormManual — in float32
// (tfjs has no float64): tolerances that the original states absolutely are scaled to the size of
// the values, and the numerical check uses a larger step (below).
import { initBackend, Rng, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNormAutograd } from './layer-norm-autograd.js';
import { LayerNormManual, layerNormManual } from './layer-norm-manual.js';
import { relToMax } from './testing/fixtures.js';

beforeAll(async () => {
  await initBackend();
});

type Version = { name: string; apply: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor };

const withParams = (make: (n: number) => LayerNormAutograd | LayerNormManual) => (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
  const m = make(x.shape[x.rank - 1]!);
  m.weight.assign(gamma);
  m.bias.assign(beta);
  const y = m.forward(x);
  m.dispose();
  return y;
};

const versions: Version[] = [
  { name: '(a) LayerNormAutograd', apply: withParams((n) => new LayerNormAutograd(n)) },
  { name: '(b) layerNormManual', apply: (x, g, b) => layerNormManual(x, g, b, 1e-5) },
  { name: '(c) LayerNormManual', apply: withParams((n) => new LayerNormManual(n)) },
];

/** the reference settings' shapes: batch 8–32, features 64–256, x ~ 2·N(0, 1) + 10. */
function cases(seed: number, count: number): Array<{ x: tf.Tensor2D; n: number }> {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const batch = 8 + rng.int(25);
    const n = 64 + rng.int(193);
    const x = tf.tidy(() => tf.add(tf.mul(seededTensor([batch, n], seed * 100 + i), 2), 10)) as tf.Tensor2D;
    return { x, n };
  });
}

const rowsOf = (t: tf.Tensor) => t.arraySync() as number[][];
const mean = (r: number[]) => r.reduce((s, v) => s + v, 0) / r.length;
const variance = (r: number[]) => {
  const m = mean(r);
  return r.reduce((s, v) => s + (v - m) ** 2, 0) / r.length;
};

describe.each(versions)('LayerNorm $name', ({ apply }) => {
  it('normalises each sample: |mean| < 1e-5 and variance within 0.1 of 1 (γ = 1, β = 0)', () => {
    for (const { x, n } of cases(1, 5)) {
      const y = tf.tidy(() => apply(x, tf.ones([n]), tf.zeros([n])));
      for (const row of rowsOf(y)) {
        expect(Math.abs(mean(row))).toBeLessThan(1e-5);
        expect(Math.abs(variance(row) - 1)).toBeLessThan(0.1);
      }
      tf.dispose([x, y]);
    }
  });

  it('with β = 100·arange(n), each output mean equals mean(β) (within 1e-5 relative: float32)', () => {
    for (const { x, n } of cases(2, 3)) {
      const beta = tf.mul(tf.range(0, n), 100);
      const target = (100 * (n - 1)) / 2;
      const y = tf.tidy(() => apply(x, tf.ones([n]), beta));
      for (const row of rowsOf(y)) expect(Math.abs(mean(row) - target)).toBeLessThan(1e-5 * target);
      tf.dispose([x, y, beta]);
    }
  });

  it('refuses input that is not 2-D, naming its shape', () => {
    const x = tf.zeros([2, 3, 4]);
    expect(() => apply(x, tf.ones([4]), tf.zeros([4]))).toThrow(/must be 2-D \[batch, (4|features)\], got shape \[2, 3, 4\] \(rank 3\)/);
  });
});

const dyOf = (shape: number[], seed: number) => seededTensor(shape, seed);

/** Gradients of Σ y·r w.r.t. x, γ, β through `apply`. */
function gradients(apply: Version['apply'], x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  return tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(apply(a, g, b), r)))([x, gamma, beta]);
}

const fnAutograd = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => {
    const { mean: mu, variance: v } = tf.moments(x, 1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mu), tf.rsqrt(tf.add(v, 1e-5))), g), b);
  });

describe('layerNormManual (custom gradient)', () => {
  const gammas = (n: number): Array<[string, tf.Tensor]> => [
    ['γ = 1', tf.ones([n])],
    ['γ = √(10·arange(n))', tf.sqrt(tf.mul(tf.range(0, n), 10))],
  ];

  it('gives the gradients autograd gives for x, γ, β (rel. < 1e-4 of the largest)', () => {
    for (const { x, n } of cases(3, 3)) {
      for (const [label, gamma] of gammas(n)) {
        const beta = seededTensor([n], 5);
        const r = dyOf(x.shape, 6);
        const manual = gradients((a, g, b) => layerNormManual(a, g, b), x, gamma, beta, r);
        const auto = gradients(fnAutograd, x, gamma, beta, r);
        for (const [i, name] of ['dx', 'dγ', 'dβ'].entries()) {
          expect(relToMax(manual[i]!.dataSync(), auto[i]!.dataSync()), `${name}, ${label}`).toBeLessThan(1e-4);
        }
        tf.dispose([...manual, ...auto, beta, r, gamma]);
      }
      x.dispose();
    }
  });

  it('passes a numerical gradient check (central differences on Σ y·r, summed in float64)', () => {
    // float32 forward: step h = 1e-2 keeps the rounding error of a difference (~1e-6·|L|/h) far
    // below the tolerance, and the O(h²) truncation error too.
    const h = 1e-2;
    const batch = 6;
    const n = 10;
    const x = tf.tidy(() => tf.add(tf.mul(seededTensor([batch, n], 11), 2), 10));
    const r = dyOf([batch, n], 12);
    const rv = r.dataSync();
    const loss = (xs: Float32Array, gs: Float32Array, bs: Float32Array) => {
      const y = tf.tidy(() => layerNormManual(tf.tensor2d(xs, [batch, n]), tf.tensor1d(gs), tf.tensor1d(bs)));
      const yv = y.dataSync();
      y.dispose();
      let s = 0;
      for (let i = 0; i < yv.length; i++) s += yv[i]! * rv[i]!;
      return s;
    };
    for (const [label, gamma] of gammas(n)) {
      const beta = seededTensor([n], 13);
      const analytic = gradients((a, g, b) => layerNormManual(a, g, b), x, gamma, beta, r).map((t) => t.dataSync());
      const inputs = [x, gamma, beta].map((t) => Float32Array.from(t.dataSync()));
      for (const [k, name] of ['dx', 'dγ', 'dβ'].entries()) {
        const v = inputs[k]!;
        for (let i = 0; i < v.length; i++) {
          const orig = v[i]!;
          v[i] = orig + h;
          const up = loss(inputs[0]!, inputs[1]!, inputs[2]!);
          v[i] = orig - h;
          const down = loss(inputs[0]!, inputs[1]!, inputs[2]!);
          v[i] = orig;
          const numeric = (up - down) / (2 * h);
          const a = analytic[k]![i]!;
          expect(Math.abs(a - numeric), `${name}[${i}], ${label}: analytic ${a}, numeric ${numeric}`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.abs(numeric));
        }
      }
      tf.dispose([beta, gamma]);
    }
    tf.dispose([x, r]);
  });

  it('leaks no tensors in a forward and backward', () => {
    const x = seededTensor([4, 8], 1);
    const m = new LayerNormManual(8);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.forward(x))) as tf.Scalar, m.parameters());
    tf.dispose([value, ...Object.values(grads)]);
    m.forward(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('LayerNormManual starts at γ = 1, β = 0 with PyTorch names weight and bias', () => {
    const m = new LayerNormManual(5);
    expect(Array.from(m.weight.dataSync())).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(m.bias.dataSync())).toEqual([0, 0, 0, 0, 0]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight', 'bias']);
    expect(() => m.forward(tf.zeros([2, 4]))).toThrow('LayerNormManual.forward: x must have shape [batch, 5], got [2, 4]');
    m.dispose();
  });
});
