import { fusedSgdAvailable, initBackend, setTrainingKernels, tf } from '@backprop/tensor';
import { expectClose } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { SGD } from './sgd.js';

beforeAll(async () => {
  await initBackend();
});

// Loss = Σ w·c for fixed c: the gradient of w is c, whatever w is.
const linearLoss = (w: tf.Variable, c: tf.Tensor) => () => tf.sum(tf.mul(w, c)) as tf.Scalar;

/** PyTorch's rule in float64, for one parameter and a list of gradients. */
function reference(p0: number[], grads: number[][], h: { lr: number; momentum?: number; dampening?: number; weight_decay?: number; nesterov?: boolean; maximize?: boolean }): number[] {
  const { lr, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false, maximize = false } = h;
  let p = [...p0];
  let buf: number[] | null = null;
  for (const g0 of grads) {
    let d = g0.map((g, i) => (maximize ? -g : g) + weight_decay * p[i]!);
    if (momentum !== 0) {
      buf = buf == null ? [...d] : buf.map((b, i) => momentum * b + (1 - dampening) * d[i]!);
      d = nesterov ? d.map((x, i) => x + momentum * buf![i]!) : buf;
    }
    p = p.map((x, i) => x - lr * d[i]!);
  }
  return p;
}

describe('SGD', () => {
  const grads = [
    [0.5, -1, 2],
    [0.25, 3, -1],
    [-2, 0.5, 0.5],
  ];
  it.each([
    ['plain', { lr: 0.1 }],
    ['momentum', { lr: 0.1, momentum: 0.9 }],
    ['momentum + dampening', { lr: 0.1, momentum: 0.9, dampening: 0.5 }],
    ['nesterov + weight_decay', { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
    ['maximize + weight_decay', { lr: 0.05, weight_decay: 0.1, maximize: true }],
  ])("%s follows PyTorch's rule over three steps", (_, h) => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = new SGD([w], h);
    for (const g of grads) {
      const c = tf.tensor1d(g);
      opt.step(linearLoss(w, c)).dispose();
      c.dispose();
    }
    expectClose(w, reference([1, 2, 3], grads, h), { rtol: 1e-6 });
    expect(opt.steps).toBe(3);
    opt.dispose();
    w.dispose();
  });

  it.each([
    ['plain', { lr: 0.1 }],
    ['nesterov + weight_decay', { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
    ['momentum + dampening, maximize', { lr: 0.03, momentum: 0.8, dampening: 0.2, maximize: true }],
  ])('%s: the engine\'s one-pass update gives the same bits as the op-by-op update', (_, h) => {
    const run = (fused: boolean): Float32Array => {
      setTrainingKernels(fused);
      expect(fusedSgdAvailable()).toBe(fused);
      const w = tf.variable(tf.tensor1d([1, 2, 3, 4, 5, 6, 7]));
      const opt = new SGD([w], h);
      for (const g of [...grads, ...grads]) {
        const c = tf.tensor1d([...g, ...g, g[0]!]);
        opt.step(linearLoss(w, c)).dispose();
        c.dispose();
      }
      const out = Float32Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    try {
      const opByOp = run(false);
      const fused = run(true);
      expect(Array.from(fused)).toEqual(Array.from(opByOp));
    } finally {
      setTrainingKernels(true);
    }
  });

  it('keeps tf.memory().numTensors unchanged per step once its buffers exist', () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.tensor1d([1, 1, 1]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    opt.step(linearLoss(w, c)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.step(linearLoss(w, c)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    tf.dispose([w, c]);
  });

  it('takes (params, { lr }) and rejects an unknown option, naming it', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new SGD([w], 0.1 as never)).toThrow(/SGD: options must be an object/);
    expect(() => new SGD([w], {} as never)).toThrow('SGD: lr is required (SGD(params, { lr }))');
    expect(() => new SGD([w], { lr: 0.1, weightDecay: 0.1 } as never)).toThrow("SGD: unknown option 'weightDecay' (PyTorch's name is 'weight_decay'); known options: lr, momentum, dampening, weight_decay, nesterov, maximize");
    expect(() => new SGD([w], { lr: 0.1, betas: [0.9, 0.99] } as never)).toThrow("SGD: unknown option 'betas'");
    expect(() => new SGD([w], { lr: -1 })).toThrow('SGD: lr must be a finite number ≥ 0, got -1');
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: params must hold at least one parameter, got none');
    expect(() => new SGD([w], { lr: 0.1, nesterov: true })).toThrow('SGD: nesterov momentum requires momentum > 0 and dampening 0, got momentum 0, dampening 0');
    expect(() => new SGD([{ params: [w], wd: 1 } as never], { lr: 0.1 })).toThrow("SGD param_groups[0]: unknown option 'wd'");
    w.dispose();
  });

  it('param groups: each group its own hyperparameters (no weight decay on biases, the PyTorch habit)', () => {
    const a = tf.variable(tf.tensor1d([1, 1]));
    const b = tf.variable(tf.tensor1d([1, 1]));
    const opt = new SGD([{ params: [a] }, { params: [b], weight_decay: 0 }], { lr: 0.1, weight_decay: 0.5 });
    expect(opt.paramGroups.map((g) => g.weight_decay)).toEqual([0.5, 0]);
    const c = tf.tensor1d([0, 0]);
    opt.step(() => tf.add(tf.sum(tf.mul(a, c)), tf.sum(tf.mul(b, c))) as tf.Scalar).dispose();
    expectClose(a, [0.95, 0.95], { rtol: 1e-6 }); // decayed
    expectClose(b, [1, 1], { rtol: 0 }); // not
    opt.dispose();
    tf.dispose([a, b, c]);
  });

  it('lr is settable (opt.lr = …, setLearningRate) and refuses a negative or non-finite rate, keeping the old one', () => {
    const w = tf.variable(tf.zeros([2]));
    const opt = new SGD([w], { lr: 0.1 });
    opt.lr = 0.02;
    expect(opt.paramGroups[0]!.lr).toBe(0.02);
    opt.setLearningRate(0.03);
    expect(opt.lr).toBe(0.03);
    for (const bad of [-1, NaN, Infinity]) expect(() => opt.setLearningRate(bad)).toThrow(`SGD.setLearningRate: lr must be a finite number ≥ 0, got ${bad}`);
    expect(opt.lr).toBe(0.03);
    w.dispose();
  });
});
