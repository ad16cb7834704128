// Gradient checking as a tool: analytic gradients (the hand-written backward) against central
// differences, in float64, reporting the relative error per input and parameter.
//
// Two modes, matching the two kinds of test in the original assignment:
// - 'vjp' (default; Part 1's eval_numerical_gradient_array): contract the output with a random
//   upstream gradient dout, Σᵢ (f(θ+h)ᵢ − f(θ−h)ᵢ)·doutᵢ / 2h vs the backward's dθ.
// - 'jacobian' (Part 3's torch.autograd.gradcheck): every entry of the full Jacobian, one backward
//   per output element, compared with |a − n| ≤ atol + rtol·|n|.
import { maxAbsError, relError, Rng } from '@backprop/tensor';
import { F64Tensor } from './f64-tensor.js';
import type { Layer, Loss } from './module.js';

/** Something whose gradients can be checked: arrays to perturb in place, an output, a backward. */
export interface Differentiable {
  /** Arrays the output depends on; perturbed in place (and restored) by the check. */
  readonly targets: ReadonlyArray<{ name: string; kind: 'input' | 'param'; value: F64Tensor }>;
  /** The output for the current values (any shape, flattened). */
  output(): Float64Array;
  /** Analytic gradients of Σᵢ outputᵢ·doutᵢ with respect to each target, in `targets` order. */
  gradients(dout: Float64Array): Float64Array[];
}

export interface GradCheckOptions {
  /** Central-difference step (default 1e-5, the original's; torch.autograd.gradcheck uses 1e-6). */
  h?: number;
  mode?: 'vjp' | 'jacobian';
  /** Upstream gradient for 'vjp' (default: N(0, 1) from `seed`). */
  dout?: F64Tensor | Float64Array;
  seed?: number;
  /** Pass if maxRelError < tolerance (each entry's |a−b| / max(1e-8, |a|+|b|)). */
  tolerance?: number;
  /**
   * With `tolerance`: an absolute floor for entries near zero, where a relative error cannot judge
   * (a gradient that is truly ~1e-10 has central-difference noise of the same size). An entry passes
   * when |a−b| ≤ nearZeroAtol + tolerance·max(1e-8, |a|+|b|); `nearZero` in the GradCheckReport counts the
   * entries that passed only thanks to the floor. Default 0: the pure relative rule.
   */
  nearZeroAtol?: number;
  /** Pass if every |analytic − numeric| ≤ atol + rtol·|numeric| (torch.autograd.gradcheck's rule). */
  atol?: number;
  rtol?: number;
  /** Names of the targets to check (default all). */
  only?: readonly string[];
}

export interface GradCheckReport {
  name: string;
  kind: 'input' | 'param';
  /** max |a−n| / max(1e-8, |a|+|n|) over the gradient (or Jacobian) entries. */
  maxRelError: number;
  maxAbsError: number;
  tolerance?: number;
  /** The absolute floor used with `tolerance` (see GradCheckOptions.nearZeroAtol). */
  nearZeroAtol?: number;
  /** Entries whose relative error is ≥ tolerance but |a−b| ≤ the floor: judged near zero. */
  nearZero?: number;
  /** Largest |a−b| among the `nearZero` entries (0 when there are none). */
  nearZeroMaxAbsError?: number;
  atol?: number;
  rtol?: number;
  /** Present when a tolerance or atol/rtol was given. */
  pass?: boolean;
}

function allClose(analytic: ArrayLike<number>, numeric: ArrayLike<number>, atol: number, rtol: number): boolean {
  for (let i = 0; i < analytic.length; i++) {
    if (!(Math.abs(analytic[i]! - numeric[i]!) <= atol + rtol * Math.abs(numeric[i]!))) return false;
  }
  return true;
}

/** The relative rule with an absolute floor: |a−b| < tol·max(1e-8, |a|+|b|), or ≤ atol near zero. */
function relativeOrNearZero(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, atol: number): { pass: boolean; nearZero: number; nearZeroMaxAbsError: number } {
  let pass = true;
  let nearZero = 0;
  let nearZeroMaxAbsError = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - b[i]!);
    const scale = Math.max(1e-8, Math.abs(a[i]!) + Math.abs(b[i]!));
    if (diff < tol * scale) continue;
    if (diff <= atol + tol * scale) {
      nearZero++;
      nearZeroMaxAbsError = Math.max(nearZeroMaxAbsError, diff);
    } else pass = false; // also NaN
  }
  return { pass, nearZero, nearZeroMaxAbsError };
}

/** Runs `output` with element i of `value` moved by ±h, then restores it. */
function centralOutputs(d: Differentiable, value: F64Tensor, i: number, h: number): [Float64Array, Float64Array] {
  const old = value.data[i]!;
  value.data[i] = old + h;
  const pos = d.output();
  value.data[i] = old - h;
  const neg = d.output();
  value.data[i] = old;
  return [pos, neg];
}

/** Checks a `Differentiable`; see `gradCheck` for modules. */
export function checkGradients(d: Differentiable, options: GradCheckOptions = {}): GradCheckReport[] {
  const h = options.h ?? 1e-5;
  const mode = options.mode ?? 'vjp';
  const outSize = d.output().length;
  const targets = d.targets.map((t, index) => ({ ...t, index })).filter((t) => options.only == null || options.only.includes(t.name));
  let analytic: Float64Array[];
  let numeric: Float64Array[];

  if (mode === 'vjp') {
    const dout =
      options.dout instanceof F64Tensor
        ? options.dout.data
        : (options.dout ?? new Rng(options.seed ?? 42).fillNormal(new Float64Array(outSize)));
    if (dout.length !== outSize) throw new Error(`gradCheck: options.dout must have ${outSize} elements (the output's), got ${dout.length}`);
    const all = d.gradients(dout);
    analytic = targets.map((t) => all[t.index]!);
    numeric = targets.map(({ value }) => {
      const g = new Float64Array(value.size);
      for (let i = 0; i < value.size; i++) {
        const [pos, neg] = centralOutputs(d, value, i, h);
        // Difference elementwise before contracting (as the original did): no cancellation of big sums.
        let s = 0;
        for (let k = 0; k < outSize; k++) s += (pos[k]! - neg[k]!) * dout[k]!;
        g[i] = s / (2 * h);
      }
      return g;
    });
  } else {
    // Jacobians stored [output, target element].
    analytic = targets.map(({ value }) => new Float64Array(outSize * value.size));
    const e = new Float64Array(outSize);
    for (let k = 0; k < outSize; k++) {
      e.fill(0);
      e[k] = 1;
      const rows = d.gradients(e);
      targets.forEach((t, ti) => analytic[ti]!.set(rows[t.index]!, k * t.value.size));
    }
    numeric = targets.map(({ value }) => {
      const jac = new Float64Array(outSize * value.size);
      for (let i = 0; i < value.size; i++) {
        const [pos, neg] = centralOutputs(d, value, i, h);
        for (let k = 0; k < outSize; k++) jac[k * value.size + i] = (pos[k]! - neg[k]!) / (2 * h);
      }
      return jac;
    });
  }

  return targets.map((t, ti) => {
    const a = analytic[ti]!;
    const n = numeric[ti]!;
    const report: GradCheckReport = { name: t.name, kind: t.kind, maxRelError: relError(a, n), maxAbsError: maxAbsError(a, n) };
    const checks: boolean[] = [];
    if (options.tolerance != null) {
      report.tolerance = options.tolerance;
      if (options.nearZeroAtol == null) checks.push(report.maxRelError < options.tolerance);
      else {
        const judged = relativeOrNearZero(a, n, options.tolerance, options.nearZeroAtol);
        Object.assign(report, { nearZeroAtol: options.nearZeroAtol, nearZero: judged.nearZero, nearZeroMaxAbsError: judged.nearZeroMaxAbsError });
        checks.push(judged.pass);
      }
    }
    if (options.atol != null || options.rtol != null) {
      report.atol = options.atol ?? 1e-5;
      report.rtol = options.rtol ?? 1e-3;
      checks.push(allClose(a, n, report.atol, report.rtol));
    }
    if (checks.length > 0) report.pass = checks.every(Boolean);
    return report;
  });
}

const isLoss = (m: Layer<F64Tensor> | Loss<F64Tensor>): m is Loss<F64Tensor> => 'takesLogits' in m;

/** A layer as a `Differentiable` in x and its params. */
export function layerDifferentiable(layer: Layer<F64Tensor>, x: F64Tensor): Differentiable {
  const params = Object.entries(layer.params);
  return {
    targets: [{ name: 'x', kind: 'input', value: x }, ...params.map(([name, value]) => ({ name, kind: 'param' as const, value }))],
    output() {
      const y = layer.forward(x);
      layer.releaseCache();
      return y.data;
    },
    gradients(dout) {
      const y = layer.forward(x);
      const dx = layer.backward(new F64Tensor(Float64Array.from(dout), y.shape));
      return [dx.data, ...params.map(([name]) => layer.grads[name]!.data.slice())];
    },
  };
}

/** A loss as a `Differentiable` in its first argument (targets are labels, not differentiated). */
export function lossDifferentiable(loss: Loss<F64Tensor>, x: F64Tensor, targets: F64Tensor): Differentiable {
  return {
    targets: [{ name: 'x', kind: 'input', value: x }],
    output: () => loss.forward(x, targets).data.slice(),
    gradients(dout) {
      loss.forward(x, targets);
      const dx = loss.backward(x, targets);
      return [dx.data.map((v) => v * dout[0]!)];
    },
  };
}

/**
 * Checks a float64 module's backward against central differences: a layer (inputs = [x]; checks
 * x and every param) or a loss (inputs = [x, targets]; checks x).
 */
export function gradCheck(module: Layer<F64Tensor> | Loss<F64Tensor>, inputs: readonly F64Tensor[], options: GradCheckOptions = {}): GradCheckReport[] {
  if (isLoss(module)) {
    const [x, targets] = inputs;
    if (x == null || targets == null) throw new Error(`gradCheck: ${module.name} is a loss, inputs must be [x, targets], got ${inputs.length} arrays`);
    return checkGradients(lossDifferentiable(module, x, targets), options);
  }
  const [x] = inputs;
  if (x == null || inputs.length !== 1) throw new Error(`gradCheck: ${module.name} is a layer, inputs must be [x], got ${inputs.length} arrays`);
  return checkGradients(layerDifferentiable(module, x), options);
}
