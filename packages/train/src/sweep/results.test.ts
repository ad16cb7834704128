import { describe, expect, it } from 'vitest';
import type { MetricsHistory } from '../metrics.js';
import { planTrials } from './plan.js';
import { rankResults, resultsCsv, sweepSummaryMarkdown, trialResult } from './results.js';
import { validateSweepSpec } from './spec.js';

const spec = validateSweepSpec({ base: 'mlp', grid: { learningRate: [0.1, 0.01, 0.001, 1], hiddenUnits: [[4, 4]] } });
const trials = planTrials(spec);
const curve = (...acc: number[]): MetricsHistory => ({ train: [], eval: acc.map((a, i) => ({ step: (i + 1) * 10, testLoss: 1 - a, testAccuracy: a, trainLoss: null })) });

describe('sweep results', () => {
  const results = [
    trialResult(trials[0]!, 'completed', curve(0.3, 0.5, 0.4)),
    trialResult(trials[1]!, 'completed', curve(0.45, 0.45)),
    trialResult(trials[2]!, 'failed', undefined, 'backprop train: error: disk full'),
    trialResult(trials[3]!, 'diverged', curve(0.6, NaN), 'diverged at step 12'),
  ];

  it('final and best accuracy of each trial', () => {
    expect(results[0]).toMatchObject({ step: 30, finalAccuracy: 0.4, bestAccuracy: 0.5, bestStep: 20 });
    expect(results[2]).toMatchObject({ step: null, finalAccuracy: null, bestAccuracy: null });
    expect(results[3]).toMatchObject({ finalAccuracy: NaN, bestAccuracy: 0.6, bestStep: 10 });
  });

  it('ranks completed trials by the metric, then the rest', () => {
    expect(rankResults(results, 'best_accuracy').map((r) => r.id)).toEqual(['trial-000', 'trial-001', 'trial-003', 'trial-002']);
    expect(rankResults(results, 'final_accuracy').map((r) => r.id)).toEqual(['trial-001', 'trial-000', 'trial-002', 'trial-003']);
  });

  it('CSV and summary.md list every trial with its options', () => {
    const ranked = rankResults(results, 'best_accuracy');
    expect(resultsCsv(spec, ranked).split('\n')).toEqual([
      'rank,trial,status,learningRate,hiddenUnits,step,final_accuracy,best_accuracy,best_step,final_test_loss',
      '1,trial-000,completed,0.1,4x4,30,0.4,0.5,20,0.6',
      '2,trial-001,completed,0.01,4x4,20,0.45,0.45,10,0.55',
      '3,trial-003,diverged,1,4x4,20,NaN,0.6,10,NaN',
      '4,trial-002,failed,0.001,4x4,,,,,',
      '',
    ]);
    const md = sweepSummaryMarkdown({ spec, ranked, where: 'local' });
    expect(md).toContain('- Best: trial-000 — best accuracy 0.5000 (learningRate 0.1, hiddenUnits 4x4); rerun it with `backprop train --from trials/trial-000`');
    expect(md).toContain('| 4 | trial-002 | failed | 0.001 | 4x4 | — | — | — |');
    expect(md).toContain('- trial-002 failed: backprop train: error: disk full');
    expect(md).toContain('- Trials: 4 (2 completed, 1 diverged, 1 failed); seed 0; ranked by best_accuracy');
  });
});
