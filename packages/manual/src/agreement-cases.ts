// Seeded float32-vs-float64 comparisons of every module and the MLP (for tests and gradCheckAll).
import { Rng } from '@backprop/tensor';
import { compareFloat32, roundToFloat32, type AgreementReport, type AgreementRun } from './agreement.js';
import { between } from './check-cases.js';
import { CrossEntropy } from './cross-entropy.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import type { Layer, Loss } from './module.js';
import type { Ops } from './ops.js';
import { ReLU } from './relu.js';
import { Softmax, softmaxWith } from './softmax.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { Tanh } from './tanh.js';
import { Sigmoid } from './sigmoid.js';
import type { ActivationName } from './activation-names.js';

const normals = (rng: Rng, size: number, mean = 0, std = 1): Float64Array => roundToFloat32(rng.fillNormal(new Float64Array(size), mean, std));

/** Copies float64 values into a module's param (through a temporary array). */
function setParam<T>(ops: Ops<T>, target: T, values: Float64Array): void {
  const v = ops.fromArray(values, ops.shape(target));
  ops.assign(target, v);
  ops.dispose(v);
}

/** Forward and backward of a layer on given x, dout and params; results y, dx and every grad. */
function layerRun<T>(
  ops: Ops<T>,
  layer: Layer<T>,
  x: Float64Array,
  shape: number[],
  dout: Float64Array,
  params: Record<string, Float64Array>,
): AgreementRun<T> {
  for (const [key, values] of Object.entries(params)) setParam(ops, layer.params[key]!, values);
  const xT = ops.fromArray(x, shape);
  const y = layer.forward(xT);
  const doutT = ops.fromArray(dout, ops.shape(y));
  const dx = layer.backward(doutT);
  return {
    results: [
      { name: 'y', kind: 'output', value: y },
      { name: 'dx', kind: 'input', value: dx },
      ...Object.keys(layer.params).map((key) => ({ name: `d${key}`, kind: 'param' as const, value: ops.retain(layer.grads[key]!) })),
    ],
    dispose: () => {
      ops.dispose([xT, doutT]);
      layer.dispose();
    },
  };
}

function lossRun<T>(ops: Ops<T>, loss: Loss<T>, x: Float64Array, targets: Float64Array, shape: number[]): AgreementRun<T> {
  const xT = ops.fromArray(x, shape);
  const tT = ops.fromArray(targets, shape);
  const value = loss.forward(xT, tT);
  const dx = loss.backward(xT, tT);
  return {
    results: [
      { name: 'loss', kind: 'output', value },
      { name: 'dx', kind: 'input', value: dx },
    ],
    dispose: () => {
      ops.dispose([xT, tT]);
      loss.dispose();
    },
  };
}

function oneHot(rng: Rng, n: number, c: number): Float64Array {
  const t = new Float64Array(n * c);
  for (let i = 0; i < n; i++) t[i * c + rng.int(c)] = 1;
  return t;
}

export interface AgreementSpec {
  module: string;
  run(rng: Rng): AgreementReport[];
}

/** Builds the layer for inputs of `features` columns. */
type LayerFactory = <T>(ops: Ops<T>, features: number) => Layer<T>;

function layerSpec(module: string, make: LayerFactory, xMean = 0, xStd = 1): AgreementSpec {
  return {
    module,
    run(rng) {
      const shape = [between(rng, 8, 64), between(rng, 8, 128)];
      const size = shape[0]! * shape[1]!;
      const x = normals(rng, size, xMean, xStd);
      const reference = make(f64Ops, shape[1]!);
      const params = Object.fromEntries(Object.entries(reference.params).map(([k, v]) => [k, normals(rng, v.size, reference.name === 'LayerNorm' && k === 'weight' ? 1 : 0, 0.5)]));
      const outSize = f64Ops.shape(reference.forward(f64Ops.fromArray(x, shape))).reduce((a, b) => a * b, 1);
      const dout = normals(rng, outSize);
      return compareFloat32(<T>(ops: Ops<T>) => layerRun(ops, make(ops, shape[1]!), x, shape, dout, params));
    },
  };
}

function lossSpec(module: string, make: <T>(ops: Ops<T>) => Loss<T>, onProbs: boolean): AgreementSpec {
  return {
    module,
    run(rng) {
      const shape = [between(rng, 8, 200), between(rng, 2, 10)] as [number, number];
      const logits = normals(rng, shape[0] * shape[1], 0, 2);
      const x = onProbs ? roundToFloat32(softmaxWith(f64Ops, f64Ops.fromArray(logits, shape)).data) : logits;
      const targets = oneHot(rng, ...shape);
      return compareFloat32(<T>(ops: Ops<T>) => lossRun(ops, make(ops), x, targets, shape));
    },
  };
}

function mlpSpec(activation: ActivationName): AgreementSpec {
  return {
    module: `MLP (${activation}) + CrossEntropy`,
    run(rng) {
      const n = between(rng, 16, 64);
      const sizes = [between(rng, 32, 256), between(rng, 16, 64), between(rng, 8, 32)];
      const c = 10;
      const seed = rng.nextUint32();
      const x = normals(rng, n * sizes[0]!);
      const targets = oneHot(rng, n, c);
      // Weights of std 0.1 so every layer's gradient is well above float32 noise.
      const make = <T>(ops: Ops<T>) => new MLP<T>(sizes[0]!, sizes.slice(1), c, { ops, seed, activation, std: 0.1 });
      const params = make(f64Ops).parameters().map((p) => roundToFloat32(p.param.data));
      return compareFloat32(<T>(ops: Ops<T>): AgreementRun<T> => {
        const model = make(ops);
        model.parameters().forEach((p, i) => setParam(ops, p.param, params[i]!));
        const xT = ops.fromArray(x, [n, sizes[0]!]);
        const tT = ops.fromArray(targets, [n, c]);
        const loss = new CrossEntropy<T>({ ops });
        const probs = model.forward(xT);
        const value = loss.forward(probs, tT);
        const dprobs = loss.backward(probs, tT);
        model.backward(dprobs);
        ops.dispose(dprobs);
        return {
          results: [
            { name: 'probs', kind: 'output', value: probs },
            { name: 'loss', kind: 'output', value },
            ...model.parameters().map((p) => ({ name: `d${p.name}`, kind: 'param' as const, value: ops.retain(p.grad) })),
          ],
          dispose: () => {
            ops.dispose([xT, tT]);
            model.dispose();
          },
        };
      });
    },
  };
}

export const agreementSpecs: AgreementSpec[] = [
  layerSpec('Linear', <T>(ops: Ops<T>, f: number) => new Linear<T>(f, 23, { ops }), 0, 1),
  layerSpec('ELU', <T>(ops: Ops<T>) => new ELU<T>(1, { ops })),
  layerSpec('Tanh', <T>(ops: Ops<T>) => new Tanh<T>({ ops })),
  layerSpec('Sigmoid', <T>(ops: Ops<T>) => new Sigmoid<T>({ ops })),
  layerSpec('ReLU', <T>(ops: Ops<T>) => new ReLU<T>({ ops })),
  layerSpec('Softmax', <T>(ops: Ops<T>) => new Softmax<T>({ ops }), 0, 3),
  layerSpec('LayerNorm', <T>(ops: Ops<T>, f: number) => new LayerNorm<T>(f, 1e-5, { ops }), 10, 2),
  lossSpec('CrossEntropy', <T>(ops: Ops<T>) => new CrossEntropy<T>({ ops }), true),
  lossSpec('SoftmaxCrossEntropy', <T>(ops: Ops<T>) => new SoftmaxCrossEntropy<T>({ ops }), false),
  mlpSpec('elu'),
  mlpSpec('tanh'),
  mlpSpec('relu'),
];

export function runAgreementSpec(spec: AgreementSpec, seed = 42, cases = 3): AgreementReport[][] {
  const rng = new Rng(seed);
  return Array.from({ length: cases }, () => spec.run(rng));
}
