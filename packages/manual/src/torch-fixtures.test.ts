// Agreement with PyTorch (float64 autograd), the reference no one here wrote: fixtures from
// fixtures/make_fixtures.py. Float64 path: elementwise relative error < 1e-10. Float32 (WASM)
// path: < 1e-4 relative to each array's scale (see agreement.ts for why not elementwise).
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { relError, scaledError } from '@backprop/tensor';
import { CrossEntropy } from './cross-entropy.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import type { Layer, Loss } from './module.js';
import type { Ops } from './ops.js';
import { ReLU } from './relu.js';
import { Softmax } from './softmax.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { Tanh } from './tanh.js';
import { tfOps } from './tf-ops.js';

interface Arr {
  shape: number[];
  values: number[];
}
type Case = Record<string, unknown> & { module: string };

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/torch-fixtures.json', import.meta.url), 'utf8')) as { cases: Case[] };

const arr = (c: Case, key: string): Arr => c[key] as Arr;

/** Runs a fixture case on `ops`; returns every array the fixture has a reference for. */
function run<T>(ops: Ops<T>, c: Case): Map<string, Float32Array | Float64Array> {
  const out = new Map<string, Float32Array | Float64Array>();
  const t = (a: Arr) => ops.fromArray(a.values, a.shape);
  const set = (target: T, a: Arr) => ops.assign(target, t(a));
  ops.tidy(() => {
    const read = (name: string, v: T) => out.set(name, ops.toArray(v));
    if (c.module === 'CrossEntropy' || c.module === 'SoftmaxCrossEntropy') {
      const loss: Loss<T> = c.module === 'CrossEntropy' ? new CrossEntropy<T>({ ops }) : new SoftmaxCrossEntropy<T>({ ops });
      const [x, targets] = [t(arr(c, 'x')), t(arr(c, 'targets'))];
      read('loss', loss.forward(x, targets));
      read('dx', loss.backward(x, targets));
      loss.dispose();
    } else if (c.module === 'MLP') {
      const model = new MLP<T>(c.nInputs as number, c.nHidden as number[], c.nClasses as number, { ops, activation: c.activation as 'elu' });
      (c.weights as Arr[]).forEach((w, i) => set(model.linears[i]!.params.weight, w));
      (c.biases as Arr[]).forEach((b, i) => set(model.linears[i]!.params.bias, b));
      const [x, targets] = [t(arr(c, 'x')), t(arr(c, 'targets'))];
      const loss = new CrossEntropy<T>({ ops });
      const probs = model.forward(x);
      read('probs', probs);
      read('loss', loss.forward(probs, targets));
      model.backward(loss.backward(probs, targets));
      model.linears.forEach((l, i) => {
        read(`dweights.${i}`, l.grads.weight);
        read(`dbiases.${i}`, l.grads.bias);
      });
      model.dispose();
    } else {
      const x = t(arr(c, 'x'));
      let layer: Layer<T>;
      if (c.module === 'Linear') {
        const w = arr(c, 'weight');
        layer = new Linear<T>(w.shape[1]!, w.shape[0]!, { ops });
      } else if (c.module === 'LayerNorm') layer = new LayerNorm<T>(arr(c, 'gamma').shape[0]!, c.eps as number, { ops });
      else if (c.module === 'ELU') layer = new ELU<T>(c.alpha as number, { ops });
      else if (c.module === 'Tanh') layer = new Tanh<T>({ ops });
      else if (c.module === 'ReLU') layer = new ReLU<T>({ ops });
      else if (c.module === 'Softmax') layer = new Softmax<T>({ ops });
      else throw new Error(`unknown fixture module ${c.module}`);
      // The fixtures name LayerNorm's parameters gamma/beta; the module, as PyTorch, weight/bias.
      const fixtureKey = (key: string) => (c.module === 'LayerNorm' ? ({ weight: 'gamma', bias: 'beta' }[key] ?? key) : key);
      for (const key of Object.keys(layer.params)) set(layer.params[key]!, arr(c, fixtureKey(key)));
      read('y', layer.forward(x));
      read('dx', layer.backward(t(arr(c, 'dout'))));
      for (const key of Object.keys(layer.grads)) read(`d${fixtureKey(key)}`, layer.grads[key]!);
      layer.dispose();
    }
  });
  return out;
}

/** The fixture's reference arrays, flattened to the names `run` uses. */
function expected(c: Case): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const [key, v] of Object.entries(c)) {
    if (['x', 'targets', 'dout', 'weight', 'bias', 'gamma', 'beta', 'weights', 'biases'].includes(key)) continue;
    if (Array.isArray(v)) v.forEach((a: Arr | number, i) => typeof a === 'object' && m.set(`${key}.${i}`, a.values));
    else if (v != null && typeof v === 'object' && 'values' in v) m.set(key, (v as Arr).values);
  }
  return m;
}

const label = (c: Case, i: number) => `${i}: ${c.module}${c.activation ? ` (${c.activation})` : ''} ${JSON.stringify(arr(c, 'x').shape)}`;

describe('PyTorch fixtures', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('cover every module and the MLP', () => {
    const modules = new Set(fixtures.cases.map((c) => c.module));
    expect([...modules].sort()).toEqual(['CrossEntropy', 'ELU', 'LayerNorm', 'Linear', 'MLP', 'ReLU', 'Softmax', 'SoftmaxCrossEntropy', 'Tanh']);
  });

  it.each(fixtures.cases.map((c, i) => [label(c, i), c] as const))('float64 path matches torch within 1e-10: %s', (_, c) => {
    const got = run(f64Ops, c);
    const want = expected(c);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, values] of want) expect(relError(got.get(name)!, values), name).toBeLessThan(1e-10);
  });

  it.each(fixtures.cases.map((c, i) => [label(c, i), c] as const))('float32 WASM path matches torch within 1e-4: %s', (_, c) => {
    const before = tf.memory().numTensors;
    const got = run(tfOps, c);
    expect(tf.memory().numTensors).toBe(before);
    for (const [name, values] of expected(c)) {
      if (c.saturated === true && name === 'dx') continue;
      expect(scaledError(got.get(name)!, values), name).toBeLessThan(1e-4);
    }
    if (c.saturated === true) {
      // A nearly one-hot softmax: dx = y ⊙ (dout − Σ dout·y) cancels to ~1e-6·|dout|, below what
      // float32 can resolve; the attainable accuracy is relative to |dout|, not to |dx|.
      const want = arr(c, 'dx').values;
      const dx = got.get('dx')!;
      const doutScale = Math.max(...arr(c, 'dout').values.map(Math.abs));
      const worst = Math.max(...want.map((v, i) => Math.abs(dx[i]! - v)));
      expect(worst / doutScale).toBeLessThan(1e-6);
    }
  });
});
