// The float32 WASM path of every module (and the MLP) agrees with the float64 path within 1e-4,
// relative to each array's scale; see agreement.ts for why not elementwise.
import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreementSpecs, runAgreementSpec } from './agreement-cases.js';

beforeAll(async () => {
  await initBackend();
});

describe('float32 (WASM) vs float64, 3 seeded shapes per module', () => {
  it.each(agreementSpecs.map((s) => [s.module, s] as const))('%s', (_, spec) => {
    const before = tf.memory().numTensors;
    const cases = runAgreementSpec(spec);
    expect(tf.memory().numTensors).toBe(before);
    for (const reports of cases) {
      expect(reports.length).toBeGreaterThanOrEqual(2);
      for (const r of reports) expect(r.maxScaledError, `${spec.module} ${r.name}`).toBeLessThan(1e-4);
    }
  });
});
