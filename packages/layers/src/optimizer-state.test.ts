import { initBackend, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import { Adam, SGD, type Optimizer } from './optim.js';
import type { OptimizerStateDict } from './optimizer-state.js';
import { loadStateDict, stateDict } from './state.js';
import { trainStep } from './train-step.js';

beforeAll(async () => {
  await initBackend();
});

type MakeOptimizer = (model: MLP) => Optimizer;
const makers: Array<[string, MakeOptimizer]> = [
  ['SGD with momentum', (m) => new SGD(m, { lr: 0.05, momentum: 0.9 })],
  ['SGD with Nesterov momentum', (m) => new SGD(m, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ['plain SGD', (m) => new SGD(m, { lr: 0.05 })],
  ['Adam', (m) => new Adam(m, { lr: 1e-2 })],
];

const ce = new CrossEntropyLoss();

function fixture(seed: number) {
  const model = new MLP(6, [5], 3, { batchNorm: true, seed });
  const x = seededTensor([8, 6], 11);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
  return { model, x, y };
}

/** The parameters and buffers as raw bits, so that equality means bit-identical. */
const bits = (model: MLP): Record<string, number[]> =>
  Object.fromEntries([...stateDict(model)].map(([name, t]) => [name, Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4))]));

describe('Optimizer.stateDict / loadStateDict', () => {
  it.each(makers)('%s: a restored optimizer makes bit-identical next steps to the uninterrupted one', async (_, make) => {
    const a = fixture(1);
    const optA = make(a.model);
    // 5 steps: Adam's running β₂⁶ differs in the last bit from pow(β₂, 6), which tfjs's setWeights
    // would put in its place; the state keeps the running product.
    for (let i = 0; i < 5; i++) trainStep(a.model, ce, a.x, a.y, optA);
    const modelState = stateDict(a.model);
    const optState = await optA.stateDict(a.model);

    // Another process: other initial weights, fresh optimizer, then the saved state.
    const b = fixture(2);
    const optB = make(b.model);
    loadStateDict(b.model, modelState);
    await optB.loadStateDict(b.model, optState);
    expect(optB.steps).toBe(5);
    expect(await optB.stateDict(b.model)).toEqual(optState);

    for (let i = 0; i < 3; i++) {
      const lossA = trainStep(a.model, ce, a.x, a.y, optA);
      const lossB = trainStep(b.model, ce, b.x, b.y, optB);
      expect(lossB).toBe(lossA);
    }
    expect(bits(b.model)).toEqual(bits(a.model));
    expect(optB.steps).toBe(8);
    for (const f of [a, b]) tf.dispose([f.x, f.y]);
    for (const o of [optA, optB]) o.dispose();
    a.model.dispose();
    b.model.dispose();
  });

  it('keeps the key names of existing checkpoints: iterations, <param>/<slot>, adam.acc_beta1/2', async () => {
    const lin = new Linear(3, 2);
    const x = seededTensor([4, 3], 1);
    const y = tf.tensor1d([0, 1, 1, 0], 'int32');
    const adam = new Adam(lin);
    const sgd = new SGD(lin, { lr: 0.1, momentum: 0.5 });
    // Before the first step there are no slots yet.
    expect([...(await adam.stateDict(lin)).keys()]).toEqual(['iterations', 'adam.acc_beta1', 'adam.acc_beta2']);
    trainStep(lin, ce, x, y, adam);
    trainStep(lin, ce, x, y, sgd);
    const state = await adam.stateDict(lin);
    expect([...state.keys()]).toEqual(['iterations', 'weight/m', 'bias/m', 'weight/v', 'bias/v', 'adam.acc_beta1', 'adam.acc_beta2']);
    expect(state.get('iterations')).toEqual({ dtype: 'I32', shape: [], data: Int32Array.from([1]) });
    expect(state.get('weight/m')!.shape).toEqual([2, 3]); // the variable's shape (Linear keeps PyTorch's [out, in])
    expect(state.get('adam.acc_beta1')).toEqual({ dtype: 'F32', shape: [], data: Float32Array.from([Math.fround(0.9) * Math.fround(0.9)]) }); // the running float32 product
    expect([...(await sgd.stateDict(lin)).keys()]).toEqual(['iterations', 'weight/momentum', 'bias/momentum']);
    const plain = new SGD(lin, { lr: 0.1 });
    expect([...(await plain.stateDict(lin)).keys()]).toEqual(['iterations']);
    tf.dispose([x, y]);
    for (const o of [adam, sgd, plain]) o.dispose();
    lin.dispose();
  });

  it('a state saved before the first step loads, and the run continues as the uninterrupted one', async () => {
    const a = fixture(1);
    const b = fixture(1);
    const optA = new Adam(a.model, { lr: 1e-2 });
    const optB = new Adam(b.model, { lr: 1e-2 });
    await optB.loadStateDict(b.model, await optA.stateDict(a.model));
    for (let i = 0; i < 2; i++) expect(trainStep(b.model, ce, b.x, b.y, optB)).toBe(trainStep(a.model, ce, a.x, a.y, optA));
    expect(bits(b.model)).toEqual(bits(a.model));
    for (const f of [a, b]) tf.dispose([f.x, f.y]);
    for (const o of [optA, optB]) o.dispose();
    a.model.dispose();
    b.model.dispose();
  });

  it('loads into an already stepped optimizer, freeing the state it held, and leaks no tensors', async () => {
    const { model, x, y } = fixture(1);
    const opt = new Adam(model, { lr: 1e-2 });
    trainStep(model, ce, x, y, opt); // makes the moments
    const before = tf.memory().numTensors;
    const saved = await opt.stateDict(model);
    expect(tf.memory().numTensors).toBe(before);
    const weights = stateDict(model);
    trainStep(model, ce, x, y, opt);
    const expected = bits(model);
    trainStep(model, ce, x, y, opt);
    // Rewind: weights and optimizer back to step 1, then the same step 2.
    loadStateDict(model, weights);
    await opt.loadStateDict(model, saved);
    expect(tf.memory().numTensors).toBe(before);
    expect(opt.steps).toBe(1);
    trainStep(model, ce, x, y, opt);
    expect(bits(model)).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  describe('checks the state, naming the key, and changes nothing when it fails', () => {
    async function setup() {
      const { model, x, y } = fixture(1);
      const opt = new Adam(model, { lr: 1e-2 });
      trainStep(model, ce, x, y, opt);
      const state = await opt.stateDict(model);
      const [first] = model.namedParameters()[0]!;
      return { model, x, y, opt, state, first };
    }

    async function expectRejected(edit: (s: OptimizerStateDict, first: string) => void, message: RegExp) {
      const { model, x, y, opt, state, first } = await setup();
      const before = tf.memory().numTensors;
      const copy: OptimizerStateDict = new Map(state);
      edit(copy, first);
      await expect(opt.loadStateDict(model, copy)).rejects.toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      expect(await opt.stateDict(model)).toEqual(state);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    }

    it('missing key', async () => {
      await expectRejected((s, first) => s.delete(`${first}/v`), /Adam\.loadStateDict: missing key '.+\/v'/);
      await expectRejected((s) => s.delete('iterations'), /Adam\.loadStateDict: missing key 'iterations'/);
      await expectRejected((s) => s.delete('adam.acc_beta2'), /Adam\.loadStateDict: missing key 'adam\.acc_beta2'/);
    });

    it('wrong shape or dtype', async () => {
      await expectRejected((s, first) => {
        const t = s.get(`${first}/m`)!;
        s.set(`${first}/m`, { ...t, shape: [...t.shape].reverse() });
      }, /Adam\.loadStateDict: '.+\/m' must have shape \[5, 6\], got \[6, 5\]/);
      await expectRejected((s) => s.set('iterations', { dtype: 'F32', shape: [], data: Float32Array.from([1]) }), /'iterations' must have dtype I32, got F32/);
      await expectRejected((s) => s.set('iterations', { dtype: 'I32', shape: [], data: Int32Array.from([-3]) }), /'iterations' must be ≥ 0, got -3/);
    });

    it('unexpected key (e.g. an SGD state in Adam)', async () => {
      await expectRejected((s) => s.set('fc.weight/momentum', s.get('adam.acc_beta1')!), /Adam\.loadStateDict: unexpected key 'fc\.weight\/momentum'/);
    });

    it('a module that does not hold the optimizer’s parameters', async () => {
      const { model, x, y, opt, state } = await setup();
      const other = new Linear(2, 2);
      await expect(opt.stateDict(other)).rejects.toThrow(/Adam\.stateDict: params\[0\] \(shape \[5, 6\]\) is not a parameter of the module given/);
      await expect(opt.loadStateDict(other, state)).rejects.toThrow(/Adam\.loadStateDict: params\[0\]/);
      other.dispose();
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    });
  });
});
