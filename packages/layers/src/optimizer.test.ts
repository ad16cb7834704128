// The optimizer base: torch.optim-format state (bit-identical resume within Backprop, checked
// loading), gradients applied by PyTorch name, and the file format of optimizer-state.ts.
import { initBackend, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from './activations.js';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm } from './clip-grad.js';
import { Conv2d } from './conv2d.js';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { Flatten } from './flatten.js';
import { namedGradients } from './gradients.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import type { Optimizer, OptimizerStateDict } from './optimizer.js';
import { decodeOptimizerState, encodeOptimizerState, optimizerStateFromLegacy, optimizerStateFromTensors, optimizerStateTensors } from './optimizer-state.js';
import type { SafetensorsTensor } from './safetensors.js';
import { fromTorchLayout } from './torch-layout.js';
import { Sequential } from './sequential.js';
import { SGD } from './sgd.js';
import { loadStateDict, stateDict } from './state.js';
import { trainStep } from './train-step.js';

beforeAll(async () => {
  await initBackend();
});

const ce = new CrossEntropyLoss();
const makers: Array<[string, (m: MLP) => Optimizer]> = [
  ['SGD with momentum', (m) => new SGD(m, { lr: 0.05, momentum: 0.9, weight_decay: 1e-3 })],
  ['plain SGD', (m) => new SGD(m, { lr: 0.05 })],
  ['Adam', (m) => new Adam(m, { lr: 1e-2 })],
  ['AdamW', (m) => new AdamW(m, { lr: 1e-2 })],
];

function fixture(seed: number) {
  const model = new MLP(6, [5], 3, { batchNorm: true, seed });
  const x = seededTensor([8, 6], 11);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
  return { model, x, y };
}

const bits = (model: MLP): Record<string, number[]> =>
  Object.fromEntries([...stateDict(model)].map(([name, t]) => [name, Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4))]));

describe('Optimizer.stateDict / loadStateDict', () => {
  it.each(makers)('%s: through a file, a fresh optimizer makes bit-identical next steps to the uninterrupted one', (_, make) => {
    const a = fixture(1);
    const optA = make(a.model);
    for (let i = 0; i < 5; i++) trainStep(a.model, ce, a.x, a.y, optA);
    const modelState = stateDict(a.model);
    const file = encodeOptimizerState(optA.stateDict());

    const b = fixture(2);
    const optB = make(b.model);
    loadStateDict(b.model, modelState);
    optB.loadStateDict(decodeOptimizerState(file));
    const [sa, sb] = [optA.stateDict(), optB.stateDict()];
    expect(optimizerStateTensors(sb)).toEqual(optimizerStateTensors(sa)); // None entries (plain SGD's momentum_buffer) are not written
    expect(sb.param_groups).toEqual(sa.param_groups);
    for (let i = 0; i < 3; i++) expect(trainStep(b.model, ce, b.x, b.y, optB)).toBe(trainStep(a.model, ce, a.x, a.y, optA));
    expect(bits(b.model)).toEqual(bits(a.model));
    for (const f of [a, b]) tf.dispose([f.x, f.y]);
    for (const o of [optA, optB]) o.dispose();
    a.model.dispose();
    b.model.dispose();
  });

  it("has torch.optim's layout: state by index (step, exp_avg, exp_avg_sq), param_groups with every hyperparameter; conv moments in OIHW", () => {
    const net = new Sequential(new Conv2d(2, 3, 3), new ReLU(), new Flatten(), new Linear(3, 2));
    const adam = new AdamW(net, { lr: 0.01 });
    expect(adam.stateDict()).toEqual({
      state: new Map(),
      param_groups: [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, decoupled_weight_decay: true, params: [0, 1, 2, 3] }],
    });
    const x = seededTensor([2, 3, 3, 2], 4);
    trainStep(net, ce, x, [0, 1], adam);
    const sd = adam.stateDict();
    expect([...sd.state.keys()]).toEqual([0, 1, 2, 3]);
    expect(Object.keys(sd.state.get(0)!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(sd.state.get(0)!.step).toEqual({ dtype: 'F32', shape: [], data: Float32Array.of(1) });
    expect(sd.state.get(0)!.exp_avg!.shape).toEqual([3, 2, 3, 3]); // PyTorch's [out, in, kh, kw]
    expect([...optimizerStateTensors(sd).keys()].slice(0, 3)).toEqual(['state.0.step', 'state.0.exp_avg', 'state.0.exp_avg_sq']);
    expect(optimizerStateFromTensors(optimizerStateTensors(sd))).toEqual(sd.state);
    const sgd = new SGD(net, { lr: 0.1 });
    trainStep(net, ce, x, [0, 1], sgd);
    expect(sgd.stateDict().state.get(0)).toEqual({ momentum_buffer: null }); // as torch 1.13 stores it
    expect(sgd.stateDict().param_groups[0]).toEqual({ lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0, 1, 2, 3] });
    x.dispose();
    adam.dispose();
    net.dispose();
  });

  it('loads into an already stepped optimizer, freeing the state it held, and leaks no tensors', () => {
    const { model, x, y } = fixture(1);
    const opt = new Adam(model, { lr: 1e-2 });
    trainStep(model, ce, x, y, opt);
    const before = tf.memory().numTensors;
    const saved = opt.stateDict();
    const weights = stateDict(model);
    trainStep(model, ce, x, y, opt);
    const expected = bits(model);
    trainStep(model, ce, x, y, opt);
    loadStateDict(model, weights);
    opt.loadStateDict(saved);
    expect(tf.memory().numTensors).toBe(before);
    trainStep(model, ce, x, y, opt);
    expect(bits(model)).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  describe('checks the state, naming what is wrong, and changes nothing when it fails', () => {
    function expectRejected(edit: (s: OptimizerStateDict) => void, message: string | RegExp) {
      const { model, x, y } = fixture(1);
      const opt = new Adam(model, { lr: 1e-2 });
      trainStep(model, ce, x, y, opt);
      const state = opt.stateDict();
      const copy: OptimizerStateDict = { state: new Map([...state.state].map(([k, v]) => [k, { ...v }])), param_groups: state.param_groups.map((g) => ({ ...g, params: [...g.params] })) };
      edit(copy);
      const before = tf.memory().numTensors;
      expect(() => opt.loadStateDict(copy)).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
      expect(opt.stateDict()).toEqual(state);
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    }

    it('shape, key, step', () => {
      expectRejected((s) => {
        const t = s.state.get(0)!.exp_avg!;
        s.state.get(0)!.exp_avg = { ...t, shape: [...t.shape].reverse() };
      }, 'Adam.loadStateDict: state[0] (layers.0.weight).exp_avg must have shape [5, 6] (the parameter\'s, PyTorch layout), got [6, 5]');
      expectRejected((s) => delete s.state.get(1)!.exp_avg_sq, "Adam.loadStateDict: state[1] (layers.0.bias) lacks 'exp_avg_sq'");
      expectRejected((s) => (s.state.get(0)!.momentum_buffer = null), "Adam.loadStateDict: state[0] (layers.0.weight) has unexpected key 'momentum_buffer' (expected step, exp_avg, exp_avg_sq)");
      expectRejected((s) => (s.state.get(0)!.step = { dtype: 'F32', shape: [], data: Float32Array.of(1.5) }), 'Adam.loadStateDict: state[0] (layers.0.weight).step must be a whole number ≥ 0, got 1.5');
      expectRejected((s) => s.state.set(99, {}), 'Adam.loadStateDict: state has an entry for parameter 99, which is in no parameter group');
    });

    it('param_groups', () => {
      expectRejected((s) => (s.param_groups[0]!.amsgrad = true), 'Adam.loadStateDict param_groups[0]: amsgrad = true is not supported (supported: false)');
      expectRejected((s) => (s.param_groups[0]!.momentum = 0.9), "Adam.loadStateDict param_groups[0]: unknown option 'momentum'");
      expectRejected((s) => delete s.param_groups[0]!.eps, "Adam.loadStateDict: param_groups[0] lacks 'eps'");
      expectRejected((s) => s.param_groups[0]!.params.pop(), 'Adam.loadStateDict: param_groups[0] has 5 parameters, this optimizer\'s has 6');
      expectRejected((s) => s.param_groups.push({ ...s.param_groups[0]! }), 'Adam.loadStateDict: the state has 2 parameter groups, this optimizer 1');
    });

    it('a file that is not an optimizer state, or one from before this format', () => {
      expect(() => decodeOptimizerState(encodeOptimizerState({ state: new Map(), param_groups: [] }).map((b, i) => b))).not.toThrow();
      expect(() => optimizerStateFromTensors(new Map([['iterations', { dtype: 'I32', shape: [], data: Int32Array.of(3) }]]))).toThrow(/unexpected tensor 'iterations'.*before torch.optim’s format: read it with optimizerStateFromLegacy/);
    });
  });
});

describe('optimizerStateFromLegacy (checkpoints from before torch.optim format)', () => {
  it('reads iterations, <name>/m, /v (this library’s layout) into an Adam that continues exactly as the uninterrupted new-format one', () => {
    const make = () => new Sequential(new Conv2d(2, 3, 3, { seed: 4 }), new ReLU(), new Flatten(), new Linear(3, 2, { seed: 5 }));
    const x = seededTensor([2, 3, 3, 2], 4);
    const [a, b] = [make(), make()];
    const [optA, optB] = [new Adam(a, { lr: 0.01 }), new Adam(b, { lr: 0.01 })];
    for (let i = 0; i < 3; i++) trainStep(a, ce, x, [0, 1], optA);
    // The old format: iterations, then per parameter name its moments in the stored (HWIO) layout.
    const entries = a.stateEntries().filter((e) => e.kind === 'parameter');
    const legacy = new Map<string, SafetensorsTensor>([['iterations', { dtype: 'I32', shape: [], data: Int32Array.of(3) }]]);
    const sd = optA.stateDict();
    entries.forEach((e, i) => {
      for (const [key, slot] of [['exp_avg', 'm'], ['exp_avg_sq', 'v']] as const) {
        const t = sd.state.get(i)![key]!;
        const stored = tf.tidy(() => fromTorchLayout(tf.tensor(t.data as Float32Array, t.shape), e.layout));
        legacy.set(`${e.name}/${slot}`, { dtype: 'F32', shape: stored.shape.slice(), data: Float32Array.from(stored.dataSync() as Float32Array) });
        stored.dispose();
      }
    });
    legacy.set('adam.acc_beta1', { dtype: 'F32', shape: [], data: Float32Array.of(0.9 ** 3) });
    legacy.set('adam.acc_beta2', { dtype: 'F32', shape: [], data: Float32Array.of(0.999 ** 3) });
    loadStateDict(b, stateDict(a));
    const params = entries.map((e) => ({ name: e.name, layout: e.layout, shape: e.variable.shape }));
    optB.loadStateDict({ state: optimizerStateFromLegacy(legacy, params)!, param_groups: optB.stateDict().param_groups });
    expect(optimizerStateTensors(optB.stateDict())).toEqual(optimizerStateTensors(sd));
    trainStep(a, ce, x, [0, 1], optA);
    trainStep(b, ce, x, [0, 1], optB);
    const [wa, wb] = [stateDict(a), stateDict(b)];
    for (const [name, t] of wa) expect(Array.from(wb.get(name)!.data as Float32Array)).toEqual(Array.from(t.data as Float32Array));
    expect(optimizerStateFromLegacy(new Map(), params)).toBeNull();
    expect(() => optimizerStateFromLegacy(new Map([...legacy, ['x/w', legacy.get('iterations')!]]), params)).toThrow("optimizerStateFromLegacy: unexpected tensor 'x/w'");
    x.dispose();
    for (const m of [a, b]) m.dispose();
  });
});

describe('namedGradients → clipGradNorm → applyGradients, by PyTorch names', () => {
  it("clips the joint norm as torch.nn.utils.clip_grad_norm_ does and applies the clipped gradients: the same as SGD's step on clipped grads", () => {
    const { model, x, y } = fixture(3);
    const opt = new SGD(model, { lr: 0.1 });
    const before = tf.memory().numTensors;
    const { value, grads } = namedGradients(model, () => ce.forward(model.forward(x), y) as tf.Scalar);
    expect([...grads.keys()]).toEqual(model.namedParameters().map(([n]) => n));
    const raw = new Map([...grads].map(([k, g]) => [k, Float32Array.from(g.dataSync() as Float32Array)]));
    const total = Math.sqrt([...raw.values()].reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
    const params = new Map(model.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync() as Float32Array)]));
    const maxNorm = total / 4;
    expect(clipGradNorm(grads, maxNorm)).toBeCloseTo(total, 5);
    const coef = maxNorm / (total + 1e-6);
    opt.applyGradients(grads);
    for (const [name, v] of model.namedParameters()) {
      const got = v.dataSync();
      const p0 = params.get(name)!;
      const g0 = raw.get(name)!;
      for (let i = 0; i < p0.length; i++) expect(got[i]).toBeCloseTo(p0[i]! - 0.1 * coef * g0[i]!, 6);
    }
    tf.dispose([value, ...grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
    // Under the limit nothing changes.
    const small = new Map([['a', tf.tensor1d([3, 4])]]);
    expect(clipGradNorm(small, 10)).toBeCloseTo(5, 6);
    expect(Array.from(small.get('a')!.dataSync())).toEqual([3, 4]);
    expect(clipGradNorm(small, 1, Infinity)).toBeCloseTo(4, 6);
    tf.dispose([...small.values(), x, y]);
    model.dispose();
  });

  it('names an unknown parameter or a wrong shape', () => {
    const lin = new Linear(3, 2);
    const opt = new SGD(lin, { lr: 0.1 });
    const g = tf.zeros([2, 3]);
    expect(() => opt.applyGradients(new Map([['weigth', g]]))).toThrow("SGD.applyGradients: no parameter named 'weigth'; parameters: weight, bias");
    expect(() => opt.applyGradients(new Map([['bias', g]]))).toThrow("SGD.applyGradients: the gradient of 'bias' must have the parameter's shape [2], got [2, 3]");
    expect(() => clipGradNorm(new Map([['weight', g]]), -1)).toThrow('clipGradNorm: maxNorm must be a finite number ≥ 0, got -1');
    g.dispose();
    lin.dispose();
  });
});

describe('Optimizer.step onGradients', () => {
  it("hands over this step's gradients in params order before the update, and the update is the same as without it", () => {
    const make = () => new Linear(3, 2, { seed: 1 });
    const [a, b] = [make(), make()];
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
    const [optA, optB] = [new SGD(a, { lr: 0.1 }), new SGD(b, { lr: 0.1 })];
    const expected = namedGradients(a, () => tf.sum(tf.square(a.forward(x))) as tf.Scalar);
    let seen: number[][] = [];
    optA.step(() => tf.sum(tf.square(a.forward(x))) as tf.Scalar, { onGradients: (grads) => (seen = grads.map((g) => Array.from(g!.dataSync()))) }).dispose();
    optB.step(() => tf.sum(tf.square(b.forward(x))) as tf.Scalar).dispose();
    expect(seen).toEqual([Array.from(expected.grads.get('weight')!.dataSync()), Array.from(expected.grads.get('bias')!.dataSync())]);
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    tf.dispose([x, expected.value, ...expected.grads.values()]);
  });
});

