// Runs @backprop/manual's gradient checks (the original assignment's, at its tolerances, in float64)
// and the float32-tfjs-vs-float64 agreement checks, one spec at a time, posting each spec's rows as
// soon as they are done, so the page fills in while the rest runs. The same rows, in the same order,
// as @backprop/layers' gradCheckAll (the CLI's table), so the page's count is the README's.
import { layerNormRows } from '@backprop/layers';
import { agreementRow, agreementSpecs, checkRow, checkSpecs, runAgreementSpec, runCheckSpec } from '@backprop/manual';
import { initBackend } from '@backprop/tensor';
import type { GradCheckRow } from '@backprop/manual';
import { wasmPaths } from '../worker/wasm-paths.js';

export type GradcheckMessage =
  | { type: 'backend'; backend: string; simd: boolean; threads: number }
  | { type: 'rows'; rows: GradCheckRow[] }
  | { type: 'done'; ms: number }
  | { type: 'error'; message: string };

const post = (m: GradcheckMessage) => self.postMessage(m);

/** Worst case over the seeded cases of one spec, per gradient (as gradCheckAll reports it). */
function worst(rows: GradCheckRow[]): GradCheckRow[] {
  const out: GradCheckRow[] = [];
  for (const row of rows) {
    const same = out.find((r) => r.name === row.name);
    if (!same) out.push({ ...row });
    else {
      same.cases += row.cases;
      same.maxRelError = Math.max(same.maxRelError, row.maxRelError);
      same.pass &&= row.pass;
      if (row.nearZero != null) same.nearZero = (same.nearZero ?? 0) + row.nearZero;
    }
  }
  return out;
}

async function run(seed: number): Promise<void> {
  const t0 = performance.now();
  const info = await initBackend({ backend: 'wasm', wasmPaths });
  post({ type: 'backend', ...info });
  for (const spec of checkSpecs) {
    const rows = runCheckSpec(spec, seed).flatMap((reports) => reports.map((r) => checkRow(spec, r)));
    post({ type: 'rows', rows: worst(rows) });
  }
  for (const spec of agreementSpecs) {
    const rows = runAgreementSpec(spec, seed).flatMap((reports) =>
      reports.map((r) => agreementRow(spec.module, r)),
    );
    post({ type: 'rows', rows: worst(rows) });
  }
  post({ type: 'rows', rows: layerNormRows(seed) });
  post({ type: 'done', ms: performance.now() - t0 });
}

self.addEventListener('message', (e: MessageEvent<{ seed: number }>) => {
  run(e.data.seed).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
