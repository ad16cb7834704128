// The original assignment's gradient tests, ported (Part 1 of docs/reference-settings.md and Part 3), in float64 at their
// original tolerances, 10 seeded random shapes each; and gradCheck itself must catch a wrong backward.
import { Rng } from '@backprop/tensor';
import { describe, expect, it } from 'vitest';
import { awayFromKink, checkSpecs, KINK_MARGIN, NEAR_ZERO_ATOL, normalF64, oneHotF64, runCheckSpec } from './check-cases.js';
import { CrossEntropy } from './cross-entropy.js';
import { MLP } from './mlp.js';
import { mlpDifferentiable } from './mlp-grad-check.js';
import { ReLU } from './relu.js';
import { ELU } from './elu.js';
import { f64Ops } from './f64-ops.js';
import { F64Tensor } from './f64-tensor.js';
import { checkGradients, gradCheck, layerDifferentiable } from './grad-check.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

const spec = (module: string) => checkSpecs.find((s) => s.module === module)!;

describe('the reference gradient checks (docs/reference-settings.md, Part 1), float64, 10 seeded shapes each', () => {
  it.each([
    ['Linear', ['x', 'weight', 'bias'], 1e-5],
    ['ELU', ['x'], 1e-6],
    ['Softmax', ['x'], 1e-5],
    ['CrossEntropy', ['x'], 1e-5],
  ] as const)('%s: relative error below the original tolerance', (module, names, tolerance) => {
    const cases = runCheckSpec(spec(module));
    expect(cases).toHaveLength(10);
    for (const reports of cases) {
      expect(reports.map((r) => r.name)).toEqual(names);
      for (const r of reports) {
        expect(r.tolerance).toBe(tolerance);
        expect(r.maxRelError, `${module} ${r.name}`).toBeLessThan(tolerance);
        expect(r.pass).toBe(true);
      }
    }
  });

  it.each(['LayerNorm (γ = 1)', 'LayerNorm (γ = √(10·arange(n)))'])('%s: full Jacobian passes torch.autograd.gradcheck rule (eps 1e-6, atol 1e-5, rtol 1e-3)', (module) => {
    for (const reports of runCheckSpec(spec(module))) {
      expect(reports.map((r) => r.name)).toEqual(['x', 'weight', 'bias']);
      for (const r of reports) expect(r.pass, `${r.name}: rel ${r.maxRelError}, abs ${r.maxAbsError}`).toBe(true);
    }
  });

  it.each(['Tanh', 'ReLU', 'SoftmaxCrossEntropy', 'MLP + CrossEntropy'])('%s (added here, same rule) passes', (module) => {
    for (const reports of runCheckSpec(spec(module))) for (const r of reports) expect(r.pass, `${module} ${r.name} ${r.maxRelError}`).toBe(true);
  });
});

describe('gradCheck', () => {
  it('catches a wrong backward (ELU with the slope of eˣ off by 1%)', () => {
    class BadELU extends ELU<F64Tensor> {
      protected override gradient(dout: F64Tensor, saved: F64Tensor[]): F64Tensor {
        return f64Ops.mul(super.gradient(dout, saved), 1.01);
      }
    }
    const x = normalF64(new Rng(1), [4, 5]);
    const [report] = gradCheck(new BadELU(1, { ops: f64Ops }), [x], { tolerance: 1e-6 });
    expect(report!.pass).toBe(false);
    expect(report!.maxRelError).toBeGreaterThan(4e-3);
  });

  it('catches a LayerNorm backward that drops the mean-of-g term, in Jacobian mode', () => {
    class BadLayerNorm extends LayerNorm<F64Tensor> {
      override backward(dout: F64Tensor): F64Tensor {
        return f64Ops.add(super.backward(dout), f64Ops.mul(f64Ops.mean(dout, 1, true), 0.1));
      }
    }
    const x = normalF64(new Rng(2), [4, 6], 10, 2);
    const reports = checkGradients(layerDifferentiable(new BadLayerNorm(6, 1e-5, { ops: f64Ops }), x), { mode: 'jacobian', h: 1e-6, atol: 1e-5, rtol: 1e-3 });
    expect(reports.find((r) => r.name === 'x')!.pass).toBe(false);
    expect(reports.find((r) => r.name === 'weight')!.pass).toBe(true);
  });

  it('restores every perturbed value', () => {
    const x = normalF64(new Rng(3), [3, 4]);
    const layer = new Linear<F64Tensor>(4, 2, { ops: f64Ops });
    const [xBefore, wBefore] = [x.data.slice(), layer.params.weight.data.slice()];
    gradCheck(layer, [x]);
    expect([...x.data]).toEqual([...xBefore]);
    expect([...layer.params.weight.data]).toEqual([...wBefore]);
  });

  it('reports without pass when no tolerance is given, and checks input arity', () => {
    const [r] = gradCheck(new ELU<F64Tensor>(1, { ops: f64Ops }), [normalF64(new Rng(4), [2, 3])]);
    expect(r!.pass).toBeUndefined();
    expect(r!.maxRelError).toBeLessThan(1e-6);
    expect(() => gradCheck(new ELU<F64Tensor>(1, { ops: f64Ops }), [])).toThrow('inputs must be [x]');
  });

  it('F64Tensor inputs of a loss are [x, targets]', () => {
    expect(() => gradCheck(new (class extends ELU<F64Tensor> {})(1, { ops: f64Ops }), [F64Tensor.zeros([1, 1]), F64Tensor.zeros([1, 1])])).toThrow(
      'inputs must be [x], got 2 arrays',
    );
  });
});

describe('gradient checks at any seed: the causes of the old failures, and their fixes', () => {
  it('a ReLU input within h of its kink gives relative error 1.00 (numeric half slope vs analytic 0); moved off the kink it passes', () => {
    const x = new F64Tensor(Float64Array.of(0.5, -3e-6, 2, -1), [1, 4]); // −3e-6: within h = 1e-5 of 0
    const [atKink] = gradCheck(new ReLU<F64Tensor>({ ops: f64Ops }), [x], { tolerance: 1e-6, seed: 1 });
    expect(atKink!.maxRelError).toBe(1);
    expect(atKink!.pass).toBe(false);
    awayFromKink(x);
    expect(x.data[1]).toBe(-KINK_MARGIN);
    const [moved] = gradCheck(new ReLU<F64Tensor>({ ops: f64Ops }), [x], { tolerance: 1e-6, seed: 1 });
    expect(moved!.maxRelError).toBeLessThan(1e-9);
  });

  it('an MLP with zero biases puts a sample whose ReLUs are all off exactly on the next kink: layers.2.bias fails with 1.00', () => {
    // Weights that switch every first-layer unit off for sample 0 (x·Wᵀ < 0), on for sample 1.
    const model = new MLP<F64Tensor>(2, [2, 2], 2, { ops: f64Ops, std: 0.5, activation: 'relu', seed: 3 });
    model.linears[0]!.params.weight.data.set([1, 1, 1, 2]);
    model.linears[1]!.params.weight.data.set([1, -0.5, 0.7, 0.4]);
    const x = new F64Tensor(Float64Array.of(-1, -1, 1, 0.5), [2, 2]);
    const targets = oneHotF64(new Rng(1), 2, 2);
    const reports = checkGradients(mlpDifferentiable(model, new CrossEntropy<F64Tensor>({ ops: f64Ops }), x, targets), { tolerance: 1e-5 });
    const bias1 = reports.find((r) => r.name === 'layers.2.bias')!;
    expect(bias1.pass).toBe(false);
    expect(bias1.maxRelError).toBeGreaterThan(0.1);
    // Non-zero biases move the pre-activations off 0, and the same network passes.
    for (const linear of model.linears) linear.params.bias.data.fill(0.3);
    const fixed = checkGradients(mlpDifferentiable(model, new CrossEntropy<F64Tensor>({ ops: f64Ops }), x, targets), { tolerance: 1e-5 });
    for (const r of fixed) expect(r.pass, `${r.name} ${r.maxRelError}`).toBe(true);
  });

  it('nearZeroAtol passes entries within the floor and counts them; a wrong value is still caught', () => {
    const d = {
      targets: [{ name: 'x', kind: 'input' as const, value: new F64Tensor(Float64Array.of(1, 2), [2]) }],
      output: function (this: void) {
        const [a, b] = d.targets[0]!.value.data;
        return Float64Array.of(a! * a!, 1e-7 * b!); // ∂/∂b of the second is 1e-7: noise-sized
      },
      gradients: (dout: Float64Array) => [Float64Array.of(2 * d.targets[0]!.value.data[0]! * dout[0]!, 1e-7 * dout[1]! + 3e-11)],
    };
    const [pure] = checkGradients(d, { tolerance: 1e-5, dout: Float64Array.of(1, 1) });
    expect(pure!.pass).toBe(false); // 3e-11 on 1e-7 is a relative error of 1.5e-4
    const [floored] = checkGradients(d, { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL, dout: Float64Array.of(1, 1) });
    expect(floored).toMatchObject({ pass: true, nearZero: 1, nearZeroAtol: 1e-9 });
    expect(floored!.nearZeroMaxAbsError).toBeCloseTo(3e-11, 13);
    const wrong = { ...d, gradients: (dout: Float64Array) => [Float64Array.of(2 * d.targets[0]!.value.data[0]! * dout[0]!, -1e-7 * dout[1]!)] };
    expect(checkGradients(wrong, { tolerance: 1e-5, nearZeroAtol: NEAR_ZERO_ATOL, dout: Float64Array.of(1, 1) })[0]!.pass).toBe(false);
  });

  // Seeds where a row failed before, with the rows that failed (`scripts/gradcheck-seeds.mjs` runs 0…99, every row).
  it.each([
    [1, ['MLP + CrossEntropy']],
    [7, ['MLP + CrossEntropy']],
    [22, ['CrossEntropy']],
    [34, ['Softmax']],
    [49, ['ReLU']],
    [74, ['ELU', 'ReLU']],
    [77, ['MLP + CrossEntropy']],
    [50618, ['ReLU', 'MLP + CrossEntropy']],
  ] as const)('seed %i: %j pass', (seed, modules) => {
    for (const spec of checkSpecs.filter((s) => (modules as readonly string[]).includes(s.module))) {
      for (const reports of runCheckSpec(spec, seed)) for (const r of reports) expect(r.pass, `${spec.module} ${r.name}: ${r.maxRelError}`).toBe(true);
    }
  });
});
