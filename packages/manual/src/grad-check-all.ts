// Every gradient check of docs/reference-settings.md in one call, as table rows (the CLI's `backprop gradcheck`):
// float64 analytic-vs-numerical checks at the original tolerances, and float32 (tfjs) vs float64
// agreement of each module. Each row is the worst case over its seeded cases.
import { agreementSpecs, runAgreementSpec } from './agreement-cases.js';
import { checkSpecs, runCheckSpec, type CheckSpec } from './check-cases.js';
import type { AgreementReport } from './agreement.js';
import type { GradCheckReport } from './grad-check.js';

export interface GradCheckRow {
  module: string;
  /** The input or parameter gradient (or output) compared. */
  name: string;
  kind: 'input' | 'param' | 'output';
  /** How it was compared. */
  check: string;
  /** Seeded cases run; the row holds the worst. */
  cases: number;
  /**
   * The relative error the pass rule uses: max |a−b| / max(1e-8, |a|+|b|) elementwise for the
   * float64 checks; max|a−b| / max|b| for float32-vs-float64 (see `tolerance`).
   */
  maxRelError: number;
  /** The pass rule, in words. */
  tolerance: string;
  pass: boolean;
  /** true for the original assignment's checks, false for those added here. */
  original: boolean;
  /**
   * float64 checks: entries whose relative error was not below the tolerance but whose |a−b| was
   * within the absolute floor for values near zero (see the row's `tolerance`); 0 when the pure
   * relative rule judged every entry.
   */
  nearZero?: number;
}

export interface GradCheckAllOptions {
  seed?: number;
  /** Also compare the float32 tfjs path with float64 (needs `initBackend()` first). Default true. */
  float32?: boolean;
  /** Only modules whose name includes this text (any of these texts), case-insensitive. */
  filter?: string | readonly string[];
}

/** Runs the checks and returns one row per (module, input/param). */
export function gradCheckAll({ seed = 42, float32 = true, filter }: GradCheckAllOptions = {}): GradCheckRow[] {
  const rows: GradCheckRow[] = [];
  const texts = filter == null ? null : (typeof filter === 'string' ? [filter] : filter).map((f) => f.toLowerCase());
  const wanted = (module: string) => texts == null || texts.some((f) => module.toLowerCase().includes(f));
  const merge = (row: GradCheckRow) => {
    const same = rows.find((r) => r.module === row.module && r.name === row.name && r.check === row.check);
    if (same == null) return void rows.push(row);
    same.cases += row.cases;
    same.maxRelError = Math.max(same.maxRelError, row.maxRelError);
    same.pass &&= row.pass;
    if (row.nearZero != null) same.nearZero = (same.nearZero ?? 0) + row.nearZero;
  };
  for (const spec of checkSpecs.filter((s) => wanted(s.module))) {
    for (const reports of runCheckSpec(spec, seed)) {
      for (const r of reports) {
        merge(checkRow(spec, r));
      }
    }
  }
  if (float32) {
    for (const spec of agreementSpecs.filter((s) => wanted(s.module))) {
      for (const reports of runAgreementSpec(spec, seed)) {
        for (const r of reports) {
          merge(agreementRow(spec.module, r));
        }
      }
    }
  }
  return rows;
}

/** One float64 check report (one seeded case of `spec`) as a table row. */
export function checkRow(spec: CheckSpec, r: GradCheckReport): GradCheckRow {
  return {
    module: spec.module,
    name: r.name,
    kind: r.kind,
    check: spec.check,
    cases: 1,
    maxRelError: r.maxRelError,
    tolerance: spec.tolerance,
    pass: r.pass ?? false,
    original: spec.original,
    ...(r.nearZero != null ? { nearZero: r.nearZero } : {}),
  };
}

/** One float32-vs-float64 agreement report as a table row. */
export function agreementRow(module: string, r: AgreementReport): GradCheckRow {
  return {
    module,
    name: r.name,
    kind: r.kind,
    check: 'float32 (tfjs) vs float64',
    cases: 1,
    // The pass rule is scale-relative: elementwise relative error is meaningless for entries
    // that cancel to ~0, where float32 keeps only absolute accuracy.
    maxRelError: r.maxScaledError,
    tolerance: `max|a−b|/max|b| < ${r.tolerance.toExponential(0)}`,
    pass: r.pass,
    original: false,
  };
}
