// Gradient checks of @backprop/layers' two trainable LayerNorms — LayerNormAutograd (forward only,
// tfjs autograd) and LayerNormManual (tf.customGrad with the hand-derived backward) — in float32,
// against the float64 derivation of @backprop/manual. Cases as the original Part 3 tests: x ~
// 2·N(0,1)+10, β = 100·arange(n), γ = 1 and γ = √(10·arange(n)). Rows shaped like gradCheckAll's.
import { LayerNormAutograd } from './layer-norm-autograd.js';
import { LayerNormManual } from './layer-norm-manual.js';
import { F64Tensor, f64Ops, layerNormBackwardWith, layerNormForwardWith, type GradCheckRow } from '@backprop/manual';
import { Rng, scaledError, tf } from '@backprop/tensor';

const TOLERANCE = 1e-4;
const CASES = 5;

const gammas: Array<[string, (j: number) => number]> = [
  ['1', () => 1],
  ['√(10·arange)', (j) => Math.sqrt(10 * j)],
];

export function layerNormRows(seed = 42): GradCheckRow[] {
  const rows: GradCheckRow[] = [];
  for (const [label, Module] of [['LayerNormAutograd', LayerNormAutograd], ['LayerNormManual', LayerNormManual]] as const) {
    for (const [gammaName, gammaOf] of gammas) {
      const rng = new Rng(seed);
      const worst = { x: 0, weight: 0, bias: 0 };
      for (let c = 0; c < CASES; c++) {
        const n = 8 + rng.int(25);
        const m = 64 + rng.int(193);
        const xs = rng.fillNormal(new Float64Array(n * m), 10, 2);
        const dys = rng.fillNormal(new Float64Array(n * m), 0, 1);
        const gamma = Float64Array.from({ length: m }, (_, j) => gammaOf(j));
        const beta = Float64Array.from({ length: m }, (_, j) => 100 * j);
        // float64 reference: the hand derivation on the float32-rounded inputs.
        const r = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
        const [x64, g64, b64, dy64] = [new F64Tensor(r(xs), [n, m]), new F64Tensor(r(gamma), [m]), new F64Tensor(r(beta), [m]), new F64Tensor(r(dys), [n, m])];
        const fwd = layerNormForwardWith(f64Ops, x64, g64, b64, 1e-5);
        const ref = layerNormBackwardWith(f64Ops, dy64, fwd.xHat, fwd.invStd, g64);
        // float32 tfjs: gradients of Σ y ⊙ dy through the module.
        const ln = new Module(m);
        tf.tidy(() => {
          ln.weight.assign(tf.tensor1d(Float32Array.from(gamma)));
          ln.bias.assign(tf.tensor1d(Float32Array.from(beta)));
        });
        const x = tf.tensor2d(Float32Array.from(xs), [n, m]);
        const dy = tf.tensor2d(Float32Array.from(dys), [n, m]);
        const { grads, dx } = tf.tidy(() => {
          const dxFn = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(ln.forward(xx), dy)));
          const g = tf.variableGrads(() => tf.sum(tf.mul(ln.forward(x), dy)) as tf.Scalar, [ln.weight, ln.bias]);
          return { grads: g.grads, dx: dxFn(x) };
        });
        worst.x = Math.max(worst.x, scaledError(dx.dataSync(), ref.dx.data));
        worst.weight = Math.max(worst.weight, scaledError(grads[ln.weight.name]!.dataSync(), ref.dgamma.data));
        worst.bias = Math.max(worst.bias, scaledError(grads[ln.bias.name]!.dataSync(), ref.dbeta.data));
        tf.dispose([x, dy, dx, ...Object.values(grads)]);
        ln.dispose();
      }
      for (const [name, kind] of [['x', 'input'], ['weight', 'param'], ['bias', 'param']] as const) {
        rows.push({
          module: `${label} (layers, γ = ${gammaName})`,
          name: name === 'x' ? 'dx' : name === 'weight' ? 'dweight (γ)' : 'dbias (β)',
          kind,
          check: label === 'LayerNormAutograd' ? 'float32 tfjs autograd vs float64 derivation' : 'float32 tf.customGrad vs float64 derivation',
          cases: CASES,
          maxRelError: worst[name],
          tolerance: `max|a−b|/max|b| < ${TOLERANCE.toExponential(0)}`,
          pass: worst[name] < TOLERANCE,
          original: false,
        });
      }
    }
  }
  return rows;
}
