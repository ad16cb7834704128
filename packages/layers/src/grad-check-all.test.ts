// gradCheckAll of @backprop/layers: the one list of rows behind `backprop gradcheck`, the web page's
// gradient-check table and the README's count.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradCheckAll as manualGradCheckAll } from '@backprop/manual';
import { initBackend } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCheckAll } from './grad-check-all.js';

beforeAll(async () => {
  await initBackend();
});

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');

describe('gradCheckAll (layers)', () => {
  it("is manual's rows plus the layers LayerNorms', all passing, as many as the README says", () => {
    const rows = gradCheckAll();
    const manual = manualGradCheckAll();
    expect(rows.slice(0, manual.length)).toEqual(manual);
    expect(rows.slice(manual.length).map((r) => r.module)).toEqual(
      ['LayerNormAutograd (layers, γ = 1)', 'LayerNormAutograd (layers, γ = √(10·arange))', 'LayerNormManual (layers, γ = 1)', 'LayerNormManual (layers, γ = √(10·arange))'].flatMap((m) => [m, m, m]),
    );
    for (const r of rows) expect(r.pass, `${r.module} ${r.name}: ${r.maxRelError}`).toBe(true);
    const claimed = /Gradient checks \(`pnpm backprop gradcheck`\): all (\d+) rows pass/.exec(readme)?.[1];
    expect(Number(claimed)).toBe(rows.length);
  });

  it('filters like the CLI, and float32: false leaves out every float32 row', () => {
    expect(new Set(gradCheckAll({ filter: 'layernormmanual' }).map((r) => r.module)).size).toBe(2);
    expect(gradCheckAll({ filter: 'linear' }).some((r) => r.module.includes('LayerNorm'))).toBe(false);
    expect(gradCheckAll({ float32: false, filter: 'layernorm' }).every((r) => r.check.startsWith('float64'))).toBe(true);
  });
});
