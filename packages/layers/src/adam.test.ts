import { fusedAdamAvailable, initBackend, Rng, shapeSize, tf } from '@backprop/tensor';
import { expectClose } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { Conv2d } from './conv2d.js';

beforeAll(async () => {
  await initBackend();
});

const linearLoss = (w: tf.Variable, c: tf.Tensor) => () => tf.sum(tf.mul(w, c)) as tf.Scalar;
const values = (n: number, seed: number) => new Rng(seed).fillNormal(new Float32Array(n));

/** PyTorch's _single_tensor_adam in float64 for one parameter. */
function reference(p0: number[], grads: number[][], h: { lr: number; betas: [number, number]; eps: number; weight_decay: number; decoupled: boolean }): number[] {
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  grads.forEach((g0, t) => {
    const step = t + 1;
    if (h.decoupled) p = p.map((x) => x * (1 - h.lr * h.weight_decay));
    const g = g0.map((x, i) => x + (h.decoupled ? 0 : h.weight_decay * p[i]!));
    m = m.map((x, i) => h.betas[0] * x + (1 - h.betas[0]) * g[i]!);
    v = v.map((x, i) => h.betas[1] * x + (1 - h.betas[1]) * g[i]! ** 2);
    const bc1 = 1 - h.betas[0] ** step;
    const bc2 = 1 - h.betas[1] ** step;
    p = p.map((x, i) => x - (h.lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + h.eps)));
  });
  return p;
}

describe('Adam / AdamW', () => {
  const grads = [
    [0.3, -2, 0.01],
    [0.1, 4, -0.02],
    [-0.5, 1, 0.03],
  ];
  it.each([
    ['Adam, defaults', (w: tf.Variable) => new Adam([w]), { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weight_decay: 0, decoupled: false }],
    ['Adam, weight_decay (L2)', (w: tf.Variable) => new Adam([w], { lr: 0.1, weight_decay: 0.1 }), { lr: 0.1, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weight_decay: 0.1, decoupled: false }],
    ['AdamW, defaults (weight_decay 1e-2)', (w: tf.Variable) => new AdamW([w]), { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weight_decay: 1e-2, decoupled: true }],
    ['AdamW, betas and eps', (w: tf.Variable) => new AdamW([w], { lr: 0.05, betas: [0.8, 0.9], eps: 1e-3, weight_decay: 0.3 }), { lr: 0.05, betas: [0.8, 0.9] as [number, number], eps: 1e-3, weight_decay: 0.3, decoupled: true }],
  ])("%s: PyTorch's update over three steps", (_, make, h) => {
    const w = tf.variable(tf.tensor1d([1, -1, 0.5]));
    const opt = make(w);
    expect(opt.paramGroups[0]).toMatchObject({ lr: h.lr, betas: h.betas, eps: h.eps, weight_decay: h.weight_decay, amsgrad: false, maximize: false });
    for (const g of grads) {
      const c = tf.tensor1d(g);
      opt.step(linearLoss(w, c)).dispose();
      c.dispose();
    }
    expectClose(w, reference([1, -1, 0.5], grads, h), { rtol: 1e-6, atol: 1e-7 });
    opt.dispose();
    w.dispose();
  });

  it('the fused engine kernel and the tfjs-ops path give the same bits over 5 steps (also with weight decay), leaking no tensors', () => {
    expect(fusedAdamAvailable()).toBe(true); // the engine runs here, so `fused: null` takes the kernel
    const shapes = [[3, 3, 8, 16], [16], [37], [5, 7]];
    for (const [Opt, weight_decay] of [[Adam, 0], [Adam, 0.01], [AdamW, 0.05]] as const) {
      const make = () => shapes.map((s, i) => tf.variable(tf.tensor(values(shapeSize(s), i + 1), s)));
      const fusedVars = make();
      const opsVars = make();
      const fused = new Opt(fusedVars, { lr: 3e-3, weight_decay });
      const ops = new Opt(opsVars, { lr: 3e-3, weight_decay, fused: false });
      const before = tf.memory().numTensors;
      for (let step = 0; step < 5; step++) {
        const grads = shapes.map((s, i) => tf.tensor(values(shapeSize(s), 100 * step + i), s));
        fused.applyGradients(grads);
        ops.applyGradients(grads);
        tf.dispose(grads);
        expect(tf.memory().numTensors).toBe(before + 2 * 2 * shapes.length); // m and v, both optimizers
      }
      for (let i = 0; i < shapes.length; i++) {
        expect(Buffer.from((fusedVars[i]!.dataSync() as Float32Array).buffer)).toEqual(Buffer.from((opsVars[i]!.dataSync() as Float32Array).buffer));
      }
      const [a, b] = [fused.stateDict(), ops.stateDict()];
      expect(a.state).toEqual(b.state);
      fused.dispose();
      ops.dispose();
      tf.dispose([...fusedVars, ...opsVars]);
    }
  });

  // The engine's Winograd convs cache each weight's transformed filter by the weight's buffer (dataId):
  // an update must leave the weight on a new buffer (as Adam's fused kernel does), or the next forward
  // would use the old weights. Checked against the same weights copied into a buffer of their own.
  it("a Winograd conv's forward after an Adam step uses the new weights", () => {
    const conv = new Conv2d(16, 16, 3, { padding: 1, seed: 3 });
    const x = tf.tensor(values(2 * 6 * 6 * 16, 9), [2, 6, 6, 16]);
    const opt = new Adam(conv, { lr: 0.05 });
    const before = tf.tidy(() => conv.forward(x).dataSync().slice());
    opt.step(() => tf.sum(tf.square(conv.forward(x))) as tf.Scalar).dispose();
    const after = tf.tidy(() => conv.forward(x).dataSync().slice());
    const fresh = tf.tidy(() => {
      const copy = tf.tensor(conv.weight.dataSync().slice(), conv.weight.shape); // a new buffer: not in the cache
      return tf.conv2d(x as tf.Tensor4D, copy as tf.Tensor4D, 1, 'same').add(conv.bias!).dataSync().slice();
    });
    expect(Buffer.from(after.buffer)).not.toEqual(Buffer.from(before.buffer));
    expect(Buffer.from(after.buffer)).toEqual(Buffer.from(fresh.buffer));
    opt.dispose();
    conv.dispose();
    x.dispose();
  });

  it('rejects unknown and unsupported options, naming them', () => {
    const w = tf.variable(tf.zeros([1]));
    expect(() => new Adam([w], { betas: [0.9, 1] })).toThrow('Adam: betas[1] must be a number in [0, 1), got 1');
    expect(() => new Adam([w], { momentum: 0.9 } as never)).toThrow("Adam: unknown option 'momentum'; known options: lr, betas, eps, weight_decay, amsgrad, maximize, fused, decoupled_weight_decay");
    expect(() => new AdamW([w], { weightDecay: 0.1 } as never)).toThrow("AdamW: unknown option 'weightDecay' (PyTorch's name is 'weight_decay')");
    expect(() => new Adam([w], { amsgrad: true })).toThrow('Adam: amsgrad = true is not supported (supported: false)');
    expect(() => new Adam([w], { eps: -1 })).toThrow('Adam: eps must be a finite number ≥ 0, got -1');
    w.dispose();
  });
});
