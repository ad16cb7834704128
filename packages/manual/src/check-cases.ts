// The seeded cases of the original assignment's unit tests (SPEC Part 1 and Part 3), shared by
// the test suite and `gradCheckAll` (the CLI's `backprop gradcheck`).
import { Rng } from '@backprop/tensor';
import { CrossEntropy } from './cross-entropy.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { F64Tensor } from './f64-tensor.js';
import { checkGradients, gradCheck, layerDifferentiable, type GradCheckReport } from './grad-check.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MLP } from './mlp.js';
import { mlpDifferentiable } from './mlp-grad-check.js';
import { ReLU } from './relu.js';
import { Softmax, softmaxWith } from './softmax.js';
import { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { Tanh } from './tanh.js';

/** np.random.choice(range(lo, hi)) */
export const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo);

export function normalF64(rng: Rng, shape: number[], mean = 0, std = 1): F64Tensor {
  return new F64Tensor(rng.fillNormal(new Float64Array(shape.reduce((a, b) => a * b, 1)), mean, std), shape);
}

export function oneHotF64(rng: Rng, n: number, c: number): F64Tensor {
  const t = F64Tensor.zeros([n, c]);
  for (let i = 0; i < n; i++) t.data[i * c + rng.int(c)] = 1;
  return t;
}

/** The original's layer-test shapes: N ∈ [1, 20), D ∈ [1, 100). */
const layerShape = (rng: Rng): [number, number] => [between(rng, 1, 20), between(rng, 1, 100)];

export interface CheckSpec {
  module: string;
  /** What is compared and how. */
  check: string;
  /** Human-readable pass rule. */
  tolerance: string;
  /** true: from the original assignment; false: added here (same rule). */
  original: boolean;
  /** Runs one seeded case. */
  run(rng: Rng): GradCheckReport[];
}

const CASES = 10;
const vjp = 'float64 central differences, h = 1e-5';

const activationSpec = (module: string, make: () => ELU<F64Tensor> | Tanh<F64Tensor> | ReLU<F64Tensor> | Softmax<F64Tensor>, tolerance: number, original: boolean): CheckSpec => ({
  module,
  check: vjp,
  tolerance: `rel < ${tolerance.toExponential(0)}`,
  original,
  run(rng) {
    const x = normalF64(rng, layerShape(rng));
    return gradCheck(make(), [x], { tolerance, seed: rng.nextUint32() });
  },
});

function layerNormSpec(gammaName: string, gammaOf: (n: number) => number): CheckSpec {
  return {
    module: `LayerNorm (γ = ${gammaName})`,
    check: 'float64 full Jacobian, h = 1e-6 (torch.autograd.gradcheck)',
    tolerance: 'atol 1e-5 + rtol 1e-3',
    original: true,
    run(rng) {
      const n = between(rng, 4, 8);
      const m = between(rng, 6, 12);
      const x = normalF64(rng, [n, m], 10, 2);
      const ln = new LayerNorm<F64Tensor>(m, 1e-5, { ops: f64Ops });
      for (let j = 0; j < m; j++) {
        ln.params.gamma.data[j] = gammaOf(j);
        ln.params.beta.data[j] = 100 * j;
      }
      return checkGradients(layerDifferentiable(ln, x), { mode: 'jacobian', h: 1e-6, atol: 1e-5, rtol: 1e-3 });
    },
  };
}

/** Every gradient check of the SPEC (and the same kind of check for the modules added here). */
export const checkSpecs: CheckSpec[] = [
  {
    module: 'Linear',
    check: vjp,
    tolerance: 'rel < 1e-5',
    original: true,
    run(rng) {
      const [n, d] = layerShape(rng);
      const c = between(rng, 1, 10);
      const x = normalF64(rng, [n, d]);
      const layer = new Linear<F64Tensor>(d, c, { ops: f64Ops, rng });
      return gradCheck(layer, [x], { tolerance: 1e-5, seed: rng.nextUint32() });
    },
  },
  activationSpec('ELU', () => new ELU<F64Tensor>(1, { ops: f64Ops }), 1e-6, true),
  activationSpec('Softmax', () => new Softmax<F64Tensor>({ ops: f64Ops }), 1e-5, true),
  activationSpec('Tanh', () => new Tanh<F64Tensor>({ ops: f64Ops }), 1e-6, false),
  activationSpec('ReLU', () => new ReLU<F64Tensor>({ ops: f64Ops }), 1e-6, false),
  {
    module: 'CrossEntropy',
    check: vjp,
    tolerance: 'rel < 1e-5',
    original: true,
    run(rng) {
      const n = between(rng, 1, 100);
      const c = between(rng, 1, 10);
      const probs = softmaxWith(f64Ops, normalF64(rng, [n, c]));
      return gradCheck(new CrossEntropy<F64Tensor>({ ops: f64Ops }), [probs, oneHotF64(rng, n, c)], { tolerance: 1e-5 });
    },
  },
  {
    module: 'SoftmaxCrossEntropy',
    check: vjp,
    tolerance: 'rel < 1e-5',
    original: false,
    run(rng) {
      const n = between(rng, 1, 100);
      const c = between(rng, 1, 10);
      const logits = normalF64(rng, [n, c]);
      return gradCheck(new SoftmaxCrossEntropy<F64Tensor>({ ops: f64Ops }), [logits, oneHotF64(rng, n, c)], { tolerance: 1e-5 });
    },
  },
  layerNormSpec('1', () => 1),
  layerNormSpec('√(10·arange(n))', (j) => Math.sqrt(10 * j)),
  {
    module: 'MLP + CrossEntropy',
    check: vjp,
    tolerance: 'rel < 1e-5',
    original: false,
    run(rng) {
      const n = between(rng, 2, 10);
      const sizes = [between(rng, 2, 12), between(rng, 2, 8), between(rng, 2, 6)];
      const c = between(rng, 2, 6);
      const activation = (['elu', 'tanh', 'relu'] as const)[rng.int(3)]!;
      // Weights of std 0.5, not 1e-4: with the original's init every gradient but the last
      // layer's is ~1e-8 and the check would say little.
      const model = new MLP<F64Tensor>(sizes[0]!, sizes.slice(1), c, { ops: f64Ops, rng, std: 0.5, activation });
      const x = normalF64(rng, [n, sizes[0]!]);
      return checkGradients(mlpDifferentiable(model, new CrossEntropy<F64Tensor>({ ops: f64Ops }), x, oneHotF64(rng, n, c)), { tolerance: 1e-5 });
    },
  },
];

/** Runs `spec` on its 10 seeded cases (one generator per spec, seed 42 like the original). */
export function runCheckSpec(spec: CheckSpec, seed = 42, cases = CASES): GradCheckReport[][] {
  const rng = new Rng(seed);
  return Array.from({ length: cases }, () => spec.run(rng));
}
