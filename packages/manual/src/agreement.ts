// Float32 (tfjs, WASM) against float64 (reference) on the same module code: how much does float32
// arithmetic change the outputs and gradients? Both paths get identical values (inputs and
// params are rounded to float32 first), so only the arithmetic differs.
import { relError, scaledError } from '@backprop/tensor';
import { f64Ops } from './f64-ops.js';
import type { Ops } from './ops.js';
import { tfOps } from './tf-ops.js';

export type AgreementKind = 'output' | 'input' | 'param';

/** What a comparison runs on each path: named results, and how to free what it built. */
export interface AgreementRun<T> {
  results: Array<{ name: string; kind: AgreementKind; value: T }>;
  dispose(): void;
}

export interface AgreementReport {
  name: string;
  kind: AgreementKind;
  /** max |a−b| / max(1e-8, |a|+|b|) per element (the assignment's relative error). */
  maxRelError: number;
  /** max |a−b| / max |b|: the error relative to the array's scale (blind to cancellation near 0). */
  maxScaledError: number;
  tolerance: number;
  /** maxScaledError < tolerance */
  pass: boolean;
}

/** Rounds to float32 values (kept as float64), so both paths start from the same numbers. */
export function roundToFloat32(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values, (v) => Math.fround(v));
}

/**
 * Runs `run` on float64 and on tfjs float32 and compares each named result. `run` must build
 * everything from the values it is given (see `roundToFloat32`), identically for both ops.
 */
export function compareFloat32(run: <T>(ops: Ops<T>) => AgreementRun<T>, tolerance = 1e-4): AgreementReport[] {
  const r64 = run(f64Ops);
  const expected = new Map(r64.results.map((r) => [r.name, r]));
  const actual = new Map<string, Float32Array | Float64Array>();
  const r32 = run(tfOps);
  tfOps.tidy(() => {
    for (const r of r32.results) actual.set(r.name, tfOps.toArray(r.value));
  });
  tfOps.dispose(r32.results.map((r) => r.value));
  r32.dispose();
  return [...expected.values()].map(({ name, kind, value }) => {
    const a = actual.get(name);
    if (a == null) throw new Error(`compareFloat32: the float32 run has no result '${name}'`);
    const maxScaledError = scaledError(a, value.data);
    return { name, kind, maxRelError: relError(a, value.data), maxScaledError, tolerance, pass: maxScaledError < tolerance };
  });
}
