// The seeded cases of the original assignment's unit tests (Part 1 of docs/reference-settings.md and Part 3), shared by
// the test suite and `gradCheckAll` (the CLI's `backprop gradcheck`).
import { Rng, shapeSize } from '@backprop/tensor';
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
import { Sigmoid } from './sigmoid.js';
import { ACTIVATION_NAMES } from './activation-names.js';

/** np.random.choice(range(lo, hi)) */
export const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo);

export function normalF64(rng: Rng, shape: number[], mean = 0, std = 1): F64Tensor {
  return new F64Tensor(rng.fillNormal(new Float64Array(shapeSize(shape)), mean, std), shape);
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

/**
 * How far from a kink (ReLU's at 0, and ELU's, whose second derivative jumps there) every input is
 * kept. A central difference with step h across a kink measures neither side's slope: ReLU's at
 * |x| < h gives half the slope (relative error up to 1.00 against the analytic 0 or 1), ELU's gives
 * 1 − h/4 at x = 0 (relative error 1.25e-6, above ELU's 1e-6). 1e-3 ≫ h = 1e-5.
 */
export const KINK_MARGIN = 1e-3;

/** Moves every entry within `margin` of 0 out to ±margin (sign kept, 0 → +margin). */
export function awayFromKink(t: F64Tensor, margin = KINK_MARGIN): F64Tensor {
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i]!;
    if (Math.abs(v) < margin) t.data[i] = v < 0 ? -margin : margin;
  }
  return t;
}

/**
 * CrossEntropy's −log p has third derivative −2/p³, so the central difference of its gradient −1/p
 * is off by h²/(3p²) relatively: 3e-5 at p = 1e-3, which softmax of N(0, 1) logits reaches now and
 * then (seeds 22, 43 before this) — an error of the numerical side, not of the backward. Mixing
 * with the uniform distribution, p ← (1 − s)·p + s/C, keeps every p ≥ s/C ≥ 0.011 (C < 10), where
 * that error is < 3e-7.
 */
const PROB_FLOOR_SHARE = 0.1;

function awayFromLogSingularity(probs: F64Tensor): F64Tensor {
  const c = probs.shape[1]!;
  for (let i = 0; i < probs.size; i++) probs.data[i] = (1 - PROB_FLOOR_SHARE) * probs.data[i]! + PROB_FLOOR_SHARE / c;
  return probs;
}

/**
 * Absolute floor of the relative rule for entries near zero (see GradCheckOptions.nearZeroAtol):
 * a gradient entry of ~1e-6 carries central-difference rounding noise of ~1e-11 (ε·|f|/h), so its
 * relative error can pass 1e-5 with a correct backward. 1e-9 is far below any gradient entry a
 * wrong backward would produce in these cases (they are O(1e-3..1)).
 */
export const NEAR_ZERO_ATOL = 1e-9;
const relRule = (tolerance: number) => `rel < ${tolerance.toExponential(0)}, or |a−b| ≤ ${NEAR_ZERO_ATOL.toExponential(0)} near 0`;

const activationSpec = (
  module: string,
  make: () => ELU<F64Tensor> | Tanh<F64Tensor> | ReLU<F64Tensor> | Sigmoid<F64Tensor> | Softmax<F64Tensor>,
  tolerance: number,
  original: boolean,
  kinkAtZero = false,
): CheckSpec => ({
  module,
  check: kinkAtZero ? `${vjp}; inputs kept ≥ ${KINK_MARGIN.toExponential(0)} from the kink at 0` : vjp,
  tolerance: relRule(tolerance),
  original,
  run(rng) {
    const x = normalF64(rng, layerShape(rng));
    if (kinkAtZero) awayFromKink(x);
    return gradCheck(make(), [x], { tolerance, nearZeroAtol: NEAR_ZERO_ATOL, seed: rng.nextUint32() });
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
        ln.params.weight.data[j] = gammaOf(j);
        ln.params.bias.data[j] = 100 * j;
      }
      return checkGradients(layerDifferentiable(ln, x), { mode: 'jacobian', h: 1e-6, atol: 1e-5, rtol: 1e-3 });
    },
  };
}

/** Every gradient check of docs/reference-settings.md (and the same kind of check for the modules added here). */
export const checkSpecs: CheckSpec[] = [
  {
    module: 'Linear',
    check: vjp,
    tolerance: relRule(1e-5),
    original: true,
    run(rng) {
      const [n, d] = layerShape(rng);
      const c = between(rng, 1, 10);
      const x = normalF64(rng, [n, d]);
      const layer = new Linear<F64Tensor>(d, c, { ops: f64Ops, rng });
      return gradCheck(layer, [x], { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL, seed: rng.nextUint32() });
    },
  },
  activationSpec('ELU', () => new ELU<F64Tensor>(1, { ops: f64Ops }), 1e-6, true, true),
  activationSpec('Softmax', () => new Softmax<F64Tensor>({ ops: f64Ops }), 1e-5, true),
  activationSpec('Tanh', () => new Tanh<F64Tensor>({ ops: f64Ops }), 1e-6, false),
  activationSpec('ReLU', () => new ReLU<F64Tensor>({ ops: f64Ops }), 1e-6, false, true),
  activationSpec('Sigmoid', () => new Sigmoid<F64Tensor>({ ops: f64Ops }), 1e-6, false),
  {
    module: 'CrossEntropy',
    check: `${vjp}; probabilities mixed with uniform, p ≥ ${PROB_FLOOR_SHARE}/C`,
    tolerance: relRule(1e-5),
    original: true,
    run(rng) {
      const n = between(rng, 1, 100);
      const c = between(rng, 1, 10);
      const probs = awayFromLogSingularity(softmaxWith(f64Ops, normalF64(rng, [n, c])));
      return gradCheck(new CrossEntropy<F64Tensor>({ ops: f64Ops }), [probs, oneHotF64(rng, n, c)], { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL });
    },
  },
  {
    module: 'SoftmaxCrossEntropy',
    check: vjp,
    tolerance: relRule(1e-5),
    original: false,
    run(rng) {
      const n = between(rng, 1, 100);
      const c = between(rng, 1, 10);
      const logits = normalF64(rng, [n, c]);
      return gradCheck(new SoftmaxCrossEntropy<F64Tensor>({ ops: f64Ops }), [logits, oneHotF64(rng, n, c)], { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL });
    },
  },
  layerNormSpec('1', () => 1),
  layerNormSpec('√(10·arange(n))', (j) => Math.sqrt(10 * j)),
  {
    module: 'MLP + CrossEntropy',
    check: `${vjp}; random biases, hidden pre-activations kept ≥ ${KINK_MARGIN.toExponential(0)} from 0`,
    tolerance: relRule(1e-5),
    original: false,
    run(rng) {
      const n = between(rng, 2, 10);
      const sizes = [between(rng, 2, 12), between(rng, 2, 8), between(rng, 2, 6)];
      const c = between(rng, 2, 6);
      const activation = ACTIVATION_NAMES[rng.int(ACTIVATION_NAMES.length)]!;
      // Weights of std 0.5, not 1e-4: with the original's init every gradient but the last
      // layer's is ~1e-8 and the check would say little.
      const model = new MLP<F64Tensor>(sizes[0]!, sizes.slice(1), c, { ops: f64Ops, rng, std: 0.5, activation });
      const x = normalF64(rng, [n, sizes[0]!]);
      drawBiasesOffKinks(model, x, rng);
      return checkGradients(mlpDifferentiable(model, new CrossEntropy<F64Tensor>({ ops: f64Ops }), x, oneHotF64(rng, n, c)), { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL });
    },
  },
];

/**
 * Gives every Linear of `model` random N(0, 0.5²) biases, redrawn until no hidden pre-activation
 * on `x` lies within KINK_MARGIN of 0. Why: with the init's zero biases, a sample whose ReLU units
 * are all off reaches the next layer as exactly 0 = its bias, i.e. on the next ReLU's kink, where
 * the analytic gradient (step(0) = 0) and the central difference (half the slope) differ and the
 * relative error is exactly 1.00 (seeds 1, 2, 7, … before this).
 */
function drawBiasesOffKinks(model: MLP<F64Tensor>, x: F64Tensor, rng: Rng): void {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const linear of model.linears) rng.fillNormal(linear.params.bias.data, 0, 0.5);
    let h = x;
    let offKinks = true;
    for (const layer of model.layers) {
      h = layer.forward(h);
      if (layer instanceof Linear && layer !== model.linears.at(-1) && h.data.some((v) => Math.abs(v) < KINK_MARGIN)) offKinks = false;
    }
    model.releaseCache();
    if (offKinks) return;
  }
  throw new Error('MLP + CrossEntropy check: no biases in 100 draws keep the pre-activations off the kinks');
}

/** Runs `spec` on its 10 seeded cases (one generator per spec, seed 42 like the original). */
export function runCheckSpec(spec: CheckSpec, seed = 42, cases = CASES): GradCheckReport[][] {
  const rng = new Rng(seed);
  return Array.from({ length: cases }, () => spec.run(rng));
}
