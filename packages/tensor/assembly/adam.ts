// One Adam update in a single pass over each parameter (tfjs runs ~14 elementwise kernels, each a
// pass over memory). The float32 operations are exactly tfjs's AdamOptimizer's, in its order and
// without fused multiply-adds, so the result is bit-identical to it:
//   m' = m·β₁ + g·(1−β₁)           v' = v·β₂ + g²·(1−β₂)
//   p' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + p
// Elements [i0, i1) (a multiple of 4 apart from the end), written to the three outputs.
export function adamUpdate(
  param: usize, grad: usize, m: usize, v: usize, outParam: usize, outM: usize, outV: usize,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  oneMinusAccBeta1: f32, oneMinusAccBeta2: f32, eps: f32, negLr: f32, i0: i32, i1: i32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const a1 = f32x4.splat(oneMinusAccBeta1), a2 = f32x4.splat(oneMinusAccBeta2);
  const e = f32x4.splat(eps), l = f32x4.splat(negLr);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    const g = v128.load(grad + o);
    const m1 = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(g, c1));
    const v1 = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(g, g), c2));
    const step = f32x4.div(f32x4.div(m1, a1), f32x4.add(f32x4.sqrt(f32x4.div(v1, a2)), e));
    v128.store(outParam + o, f32x4.add(f32x4.mul(step, l), v128.load(param + o)));
    v128.store(outM + o, m1);
    v128.store(outV + o, v1);
  }
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const g = load<f32>(grad + o);
    const m1: f32 = load<f32>(m + o) * beta1 + g * oneMinusBeta1;
    const v1: f32 = load<f32>(v + o) * beta2 + (g * g) * oneMinusBeta2;
    const step: f32 = (m1 / oneMinusAccBeta1) / (Mathf.sqrt(v1 / oneMinusAccBeta2) + eps);
    store<f32>(outParam + o, step * negLr + load<f32>(param + o));
    store<f32>(outM + o, m1);
    store<f32>(outV + o, v1);
  }
}
