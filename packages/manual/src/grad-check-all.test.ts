// gradCheckAll: the rows `backprop gradcheck` prints.
import { initBackend } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSpecs } from './check-cases.js';
import { gradCheckAll } from './grad-check-all.js';

beforeAll(async () => {
  await initBackend();
});

describe('gradCheckAll', () => {
  it('gives one passing row per module and gradient, float64 and float32 (Linear and LayerNorm)', () => {
    const rows = gradCheckAll({ filter: ['linear', 'layernorm'] });
    const f64 = rows.filter((r) => r.check.startsWith('float64'));
    const f32 = rows.filter((r) => r.check.startsWith('float32'));
    expect(f64.map((r) => `${r.module}/${r.name}`)).toEqual([
      'Linear/x',
      'Linear/weight',
      'Linear/bias',
      'LayerNorm (γ = 1)/x',
      'LayerNorm (γ = 1)/weight',
      'LayerNorm (γ = 1)/bias',
      'LayerNorm (γ = √(10·arange(n)))/x',
      'LayerNorm (γ = √(10·arange(n)))/weight',
      'LayerNorm (γ = √(10·arange(n)))/bias',
    ]);
    expect(f64.every((r) => r.cases === 10 && r.original)).toBe(true);
    expect(f32.map((r) => `${r.module}/${r.name}`)).toEqual(['Linear/y', 'Linear/dx', 'Linear/dweight', 'Linear/dbias', 'LayerNorm/y', 'LayerNorm/dx', 'LayerNorm/dweight', 'LayerNorm/dbias']);
    for (const r of rows) {
      expect(r.pass, `${r.module} ${r.name} ${r.check}: ${r.maxRelError}`).toBe(true);
      expect(r.maxRelError).toBeGreaterThanOrEqual(0);
    }
    expect(rows.find((r) => r.module === 'Linear' && r.name === 'x')!.tolerance).toBe('rel < 1e-5, or |a−b| ≤ 1e-9 near 0');
  });

  it('covers every module of the reference settings (Parts 1 and 3), and runs without tfjs when float32 is off', () => {
    const modules = new Set(checkSpecs.map((s) => s.module));
    for (const m of ['Linear', 'ELU', 'Softmax', 'CrossEntropy', 'LayerNorm (γ = 1)', 'LayerNorm (γ = √(10·arange(n)))']) expect(modules.has(m)).toBe(true);
    const rows = gradCheckAll({ float32: false, filter: 'crossentropy' });
    expect(new Set(rows.map((r) => r.module))).toEqual(new Set(['CrossEntropy', 'SoftmaxCrossEntropy', 'MLP + CrossEntropy']));
    expect(rows.every((r) => r.pass && r.check.startsWith('float64'))).toBe(true);
  });
});
