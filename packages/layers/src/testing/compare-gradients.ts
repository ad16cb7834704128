// Comparing two sets of parameter gradients the way the PyTorch and backend checks do.
import { l2, relToMax } from './fixtures.js';

export interface GradientMismatch {
  name: string;
  error: number;
  rule: 'relative' | 'zero';
}

/**
 * Each gradient must match `expected` within `tol`, relative to its largest expected magnitude —
 * except a gradient that is zero in exact arithmetic (expected norm < 1e-5 × the largest norm,
 * e.g. a conv bias right before a train-mode BatchNorm, whose value is rounding noise): that one
 * must be zero up to rounding too. Returns the worst offenders (empty when all match).
 */
export function compareGradients(
  actual: Map<string, ArrayLike<number>>,
  expected: Map<string, ArrayLike<number>>,
  tol: number,
  expectedNorms?: Map<string, number>,
): GradientMismatch[] {
  const norms = new Map([...expected].map(([k, v]) => [k, expectedNorms?.get(k) ?? l2(v)]));
  const largest = Math.max(...norms.values());
  const bad: GradientMismatch[] = [];
  for (const [name, exp] of expected) {
    const act = actual.get(name);
    if (act == null) {
      bad.push({ name, error: Infinity, rule: 'relative' });
      continue;
    }
    if (norms.get(name)! < 1e-5 * largest) {
      const n = l2(act);
      if (!(n < 1e-5 * largest)) bad.push({ name, error: n / largest, rule: 'zero' });
      continue;
    }
    const error = relToMax(act, exp);
    if (!(error < tol)) bad.push({ name, error, rule: 'relative' });
  }
  return bad;
}
