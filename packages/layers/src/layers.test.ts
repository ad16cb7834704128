// Linear, Conv2d, activations, MaxPool2d, Flatten, Sequential, PreActBlock: shapes, values and
// PyTorch's conventions (init bounds, output sizes, flatten order), and errors that name the problem.
import { initBackend, Rng, tf } from '@backprop/tensor';
import { expectClose, seededTensor } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ELU, ReLU, Tanh } from './activations.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { manualSeed } from './init.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './max-pool2d.js';
import { PreActBlock } from './pre-act-block.js';
import { Sequential } from './sequential.js';
import { toTorchLayout } from './torch-layout.js';

beforeAll(async () => {
  await initBackend();
});

const maxAbs = (t: tf.Tensor) => Math.max(...Array.from(t.dataSync(), Math.abs));

describe('Linear', () => {
  it('computes x·Wᵀ + b with W as [out, in]', () => {
    const lin = new Linear(3, 2, { rng: new Rng(1) });
    const x = tf.tensor2d([[1, 2, 3]]);
    const w = lin.weight.arraySync() as number[][];
    const b = lin.bias!.arraySync() as number[];
    const expected = [0, 1].map((o) => w[o]!.reduce((s, v, i) => s + v * [1, 2, 3][i]!, 0) + b[o]!);
    expectClose(lin.forward(x), expected, { rtol: 1e-6, name: 'Linear' });
    expect(lin.weight.shape).toEqual([2, 3]);
    lin.dispose();
  });

  it('initialises like PyTorch: weight and bias in ±1/√fan_in, spread over the range', () => {
    const lin = new Linear(400, 50, { rng: new Rng(2) });
    const bound = 1 / Math.sqrt(400);
    expect(maxAbs(lin.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(lin.weight)).toBeGreaterThan(0.99 * bound);
    expect(maxAbs(lin.bias!)).toBeLessThanOrEqual(bound);
    // U(−a, a) has variance a²/3.
    const variance = tf.tidy(() => tf.moments(lin.weight).variance.dataSync()[0]!);
    expect(variance).toBeCloseTo((bound * bound) / 3, 5);
    lin.dispose();
  });

  it('is seeded: the same seed gives the same weights, manualSeed resets the default generator', () => {
    const a = new Linear(5, 4, { rng: new Rng(9) });
    const b = new Linear(5, 4, { rng: new Rng(9) });
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    manualSeed(3);
    const c = new Linear(5, 4);
    manualSeed(3);
    const d = new Linear(5, 4);
    expect(Array.from(c.weight.dataSync())).toEqual(Array.from(d.weight.dataSync()));
    expect(Array.from(c.weight.dataSync())).not.toEqual(Array.from(a.weight.dataSync()));
    [a, b, c, d].forEach((m) => m.dispose());
  });

  it('names the expected and actual shape on bad input', () => {
    const lin = new Linear(3072, 10);
    const x = tf.zeros([200, 3071]);
    expect(() => lin.forward(x)).toThrow('Linear.forward: x must have shape [N, 3072], got [200, 3071]');
    lin.dispose();
  });
});

describe('Conv2d', () => {
  it('matches a direct NHWC convolution, with padding and stride', () => {
    const conv = new Conv2d(2, 3, 3, { padding: 1, stride: 2, rng: new Rng(4) });
    const x = seededTensor([1, 5, 5, 2], 5);
    const y = conv.forward(x);
    expect(y.shape).toEqual([1, 3, 3, 3]);
    // Direct sum in PyTorch's layout.
    const w = toTorchLayout(conv.weight, 'conv2d-hwio').arraySync() as number[][][][];
    const xv = x.arraySync() as number[][][][];
    const b = conv.bias!.arraySync() as number[];
    const ref: number[][][][] = [[[], [], []]];
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 3; ox++) {
        const out: number[] = [];
        for (let o = 0; o < 3; o++) {
          let s = b[o]!;
          for (let c = 0; c < 2; c++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const iy = oy * 2 - 1 + ky;
                const ix = ox * 2 - 1 + kx;
                if (iy >= 0 && iy < 5 && ix >= 0 && ix < 5) s += xv[0]![iy]![ix]![c]! * w[o]![c]![ky]![kx]!;
              }
            }
          }
          out.push(s);
        }
        ref[0]![oy]![ox] = out;
      }
    }
    expectClose(y, ref.flat(3), { rtol: 1e-5, atol: 1e-6, name: 'Conv2d' });
    conv.dispose();
  });

  it('stores [kh, kw, in, out], initialises with bound 1/√(in·kh·kw)', () => {
    const conv = new Conv2d(16, 8, 3, { rng: new Rng(6) });
    expect(conv.weight.shape).toEqual([3, 3, 16, 8]);
    const bound = 1 / Math.sqrt(16 * 9);
    expect(maxAbs(conv.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(conv.weight)).toBeGreaterThan(0.98 * bound);
    expect(maxAbs(conv.bias!)).toBeLessThanOrEqual(bound);
    expect(new Conv2d(2, 2, 1, { bias: false }).bias).toBeNull();
    conv.dispose();
  });

  it('rejects NCHW or wrong-channel input with the shape it wanted', () => {
    const conv = new Conv2d(3, 4, 3);
    expect(() => conv.forward(tf.zeros([2, 3, 32, 32]))).toThrow('Conv2d.forward: x must have shape [N, H, W, 3] (NHWC), got [2, 3, 32, 32]');
    expect(() => conv.forward(tf.zeros([3, 32, 32]))).toThrow(/rank 4/);
    expect(() => new Conv2d(3, 4, 0)).toThrow(/kernelSize must be an integer ≥ 1/);
    conv.dispose();
  });

  it('forwardAdd is residual + forward(x), value and gradients bit for bit, and names a wrong residual', () => {
    const conv = new Conv2d(8, 8, 3, { padding: 1, rng: new Rng(9) });
    const [x, residual] = [seededTensor([2, 6, 6, 8], 10), seededTensor([2, 6, 6, 8], 11)];
    const grads = (f: () => tf.Tensor) => {
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(f())) as tf.Scalar, [conv.weight, conv.bias!]);
      const out = [value, g[conv.weight.name]!, g[conv.bias!.name]!].map((t) => Array.from(t.dataSync()));
      tf.dispose([value, ...Object.values(g)]);
      return out;
    };
    expect(grads(() => conv.forwardAdd(x, residual))).toEqual(grads(() => tf.add(residual, conv.forward(x))));
    expect(() => conv.forwardAdd(x, tf.zeros([6, 6, 8]))).toThrow(/Conv2d.forwardAdd: residual must be NHWC \[N, H, W, 8\] like the output \(rank 4\), got shape \[6, 6, 8\]/);
    expect(() => conv.forwardAdd(x, tf.zeros([2, 6, 6, 4]))).toThrow(/residual must be (float32 )?\[2, 6, 6, 8\] like the conv's output, got (float32 )?\[2, 6, 6, 4\]/);
    tf.dispose([x, residual]);
    conv.dispose();
  });
});

describe('activations', () => {
  it('ELU, ReLU, Tanh', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 1.5]);
    expectClose(new ELU().forward(x), [Math.expm1(-2), Math.expm1(-0.5), 0, 1.5], { rtol: 1e-6 });
    expectClose(new ELU(0.5).forward(x), [0.5 * Math.expm1(-2), 0.5 * Math.expm1(-0.5), 0, 1.5], { rtol: 1e-6 });
    expectClose(new ReLU().forward(x), [0, 0, 0, 1.5]);
    expectClose(new Tanh().forward(x), [Math.tanh(-2), Math.tanh(-0.5), 0, Math.tanh(1.5)], { rtol: 1e-6 });
  });
});

describe('MaxPool2d', () => {
  it("gives PyTorch's output size: 32 → 16 → 8 → 4 → 2 → 1 for kernel 3, stride 2, padding 1", () => {
    const pool = new MaxPool2d(3, 2, 1);
    let x = tf.zeros([1, 32, 32, 2]);
    for (const size of [16, 8, 4, 2, 1]) {
      x = pool.forward(x);
      expect(x.shape).toEqual([1, size, size, 2]);
    }
  });

  it('pads with −∞: an all-negative border window returns its own maximum, not 0', () => {
    const pool = new MaxPool2d(3, 2, 1);
    const x = tf.tensor4d([-5, -4, -3, -2, -9, -8, -7, -6, -1], [1, 3, 3, 1]);
    // Windows over rows/cols {−1,0,1} and {1,2,3}: only real cells count.
    expectClose(pool.forward(x), [-2, -3, -2, -1], { name: 'MaxPool2d' });
  });

  it('routes the gradient to each window maximum, negative maxima included (brute-force reference)', () => {
    // Overlapping windows (kernel 3, stride 2) and all-negative windows: the cases the ConvNet
    // meets after every conv. dL/dy[o] = o + 1 makes every window's contribution distinct.
    const pool = new MaxPool2d(3, 2, 1);
    const [n, h, w, c] = [2, 8, 8, 3];
    const x = tf.tidy(() => tf.sub(seededTensor([n, h, w, c], 21), 0.8));
    const xv = x.dataSync();
    const [oh, ow] = pool.outputSize(h, w);
    const expected = new Float64Array(x.size);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let ch = 0; ch < c; ch++, o++) {
            let best = -Infinity;
            let at = -1;
            for (let di = 0; di < 3; di++) {
              for (let dj = 0; dj < 3; dj++) {
                const r = 2 * i - 1 + di;
                const q = 2 * j - 1 + dj;
                if (r < 0 || q < 0 || r >= h || q >= w) continue;
                const idx = ((b * h + r) * w + q) * c + ch;
                if (xv[idx]! > best) [best, at] = [xv[idx]!, idx];
              }
            }
            expected[at] = expected[at]! + o + 1;
          }
        }
      }
    }
    const weights = tf.reshape(tf.range(1, o + 1), [n, oh, ow, c]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(pool.forward(v), weights)))(x);
    expectClose(dx, expected, { rtol: 0, atol: 0, name: 'MaxPool2d dx' });
  });

  it('defaults stride to the kernel size and checks its arguments', () => {
    expect(new MaxPool2d(2).stride).toEqual([2, 2]);
    expect(() => new MaxPool2d(3, 2, 2)).toThrow(/padding must be at most half the kernel size/);
    expect(() => new MaxPool2d(3).forward(tf.zeros([1, 2, 2, 1]))).toThrow(/smaller than the kernel/);
  });
});

describe('Flatten', () => {
  it("flattens NHWC in PyTorch's C, H, W order", () => {
    // x[n, h, w, c] = 100c + 10h + w
    const values: number[] = [];
    for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) for (let c = 0; c < 2; c++) values.push(100 * c + 10 * h + w);
    const y = new Flatten().forward(tf.tensor4d(values, [1, 2, 3, 2]));
    expect(Array.from(y.dataSync())).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    expect(new Flatten().forward(tf.zeros([4, 1, 1, 5])).shape).toEqual([4, 5]);
    expect(() => new Flatten().forward(tf.zeros([3]))).toThrow(/rank ≥ 2/);
  });
});

describe('Sequential and PreActBlock', () => {
  it('Sequential applies children in order and names them 0, 1, …', () => {
    const seq = new Sequential(new Linear(2, 3, { rng: new Rng(1) }), new ReLU(), new Linear(3, 1, { rng: new Rng(2) }));
    const x = seededTensor([4, 2], 1);
    const manual = tf.tidy(() => seq.at(2).forward(tf.relu(seq.at(0).forward(x))));
    expectClose(seq.forward(x), manual, { rtol: 1e-6 });
    expect(seq.length).toBe(3);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(() => seq.at(3)).toThrow(/index must be in \[0, 3\)/);
    seq.dispose();
  });

  it('PreActBlock is x + conv(relu(bn(x))) and keeps the shape', () => {
    const block = new PreActBlock(4, { rng: new Rng(3) });
    const x = seededTensor([2, 5, 5, 4], 2);
    const y = block.forward(x);
    const manual = tf.tidy(() => tf.add(x, block.conv.forward(tf.relu(block.bn.forward(x)))));
    expect(y.shape).toEqual([2, 5, 5, 4]);
    expectClose(y, manual, { rtol: 1e-5, atol: 1e-6 });
    expect(block.namedParameters().map(([n]) => n)).toEqual(['bn.weight', 'bn.bias', 'conv.weight', 'conv.bias']);
    block.dispose();
  });
});
