import { describe, expect, it } from 'vitest';
import { draw, planTrials } from './plan.js';
import { SweepSpecError, validateSweepSpec } from './spec.js';
import { Rng } from '@backprop/tensor';

describe('planTrials', () => {
  it('a grid: every point once, in order, each a full validated config', () => {
    const spec = validateSweepSpec({ base: 'mlp', set: { maxSteps: 10 }, grid: { optimizer: ['sgd', 'adam'], norm: ['none', 'batch'] } });
    const trials = planTrials(spec);
    expect(trials.map((t) => [t.id, t.params.optimizer, t.params.norm])).toEqual([
      ['trial-000', 'sgd', 'none'],
      ['trial-001', 'adam', 'none'],
      ['trial-002', 'sgd', 'batch'],
      ['trial-003', 'adam', 'batch'],
    ]);
    expect(trials[3]!.config).toMatchObject({ preset: 'mlp', model: 'mlp', optimizer: 'adam', norm: 'batch', maxSteps: 10, learningRate: 1e-3 });
  });

  it('random draws are seeded: same seed, same trials; another seed, others', () => {
    const raw = { base: 'mlp', trials: 8, seed: 7, grid: { optimizer: ['sgd', 'adam'] }, random: { learningRate: { logUniform: [1e-4, 1e-1] }, hiddenUnits: { choice: [[10], [20, 20]] } } };
    const a = planTrials(validateSweepSpec(raw));
    expect(planTrials(validateSweepSpec(raw))).toEqual(a);
    expect(planTrials(validateSweepSpec({ ...raw, seed: 8 })).map((t) => t.params.learningRate)).not.toEqual(a.map((t) => t.params.learningRate));
    expect(a.map((t) => t.params.optimizer)).toEqual(['sgd', 'adam', 'sgd', 'adam', 'sgd', 'adam', 'sgd', 'adam']);
    for (const t of a) {
      expect(t.config.learningRate).toBe(t.params.learningRate);
      expect(t.params.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(t.params.learningRate).toBeLessThanOrEqual(1e-1);
      expect([[10], [20, 20]]).toContainEqual(t.config.hiddenUnits);
    }
  });

  it('log-uniform: each decade equally likely (uniform would put 90% in the top one)', () => {
    const rng = new Rng(1);
    const decades = [0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const v = draw({ kind: 'logUniform', low: 1e-4, high: 1e-1 }, rng) as number;
      decades[Math.min(2, Math.floor(Math.log10(v / 1e-4)))]!++;
    }
    for (const n of decades) expect(n).toBeGreaterThan(850);
    const ints = new Set(Array.from({ length: 200 }, () => draw({ kind: 'intUniform', low: 3, high: 5 }, rng)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('a budget below the grid: a seeded subset of distinct points', () => {
    const spec = validateSweepSpec({ base: 'mlp', trials: 3, seed: 1, grid: { norm: ['none', 'batch', 'layer'], optimizer: ['sgd', 'adam'] } });
    const keys = planTrials(spec).map((t) => `${t.params.norm}/${t.params.optimizer}`);
    expect(new Set(keys).size).toBe(3);
  });

  it("a trial the base preset cannot take names the trial and the field", () => {
    const spec = validateSweepSpec({ base: 'mlp-manual', grid: { optimizer: ['sgd', 'adam'] } });
    expect(() => planTrials(spec)).toThrow(SweepSpecError);
    expect(() => planTrials(spec)).toThrow(`trial-001 ({"optimizer":"adam"}): TrainConfig: optimizer must be 'sgd' for the manual MLP`);
  });
});
