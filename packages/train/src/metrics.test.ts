import { describe, expect, it } from 'vitest';
import { meanTrainLoss, metricsFromCsv, metricsToCsv, type MetricsHistory } from './metrics.js';

const m: MetricsHistory = {
  train: [1, 2, 3, 4].map((step) => ({ step, loss: 2 - step / 10 })),
  eval: [
    { step: 0, testLoss: 2.3, testAccuracy: 0.1, trainLoss: null },
    { step: 2, testLoss: 1.9, testAccuracy: 0.25, trainLoss: 1.85 },
    { step: 4, testLoss: 1.7, testAccuracy: 0.5, trainLoss: 1.65 },
  ],
};

describe('metrics', () => {
  it('CSV: one row per step, test columns at evaluated steps, full precision', () => {
    expect(metricsToCsv(m)).toBe(
      ['step,train_loss,test_loss,test_accuracy', '0,,2.3,0.1', '1,1.9,,', '2,1.8,1.9,0.25', '3,1.7,,', '4,1.6,1.7,0.5', ''].join('\n'),
    );
  });

  it('CSV round trip', () => {
    const back = metricsFromCsv(metricsToCsv(m));
    expect(back.train).toEqual(m.train);
    expect(back.eval.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(back.eval[2]!.trainLoss).toBeCloseTo(1.65, 12);
  });

  it('meanTrainLoss averages the steps in (after, upTo]', () => {
    expect(meanTrainLoss(m, 0, 2)).toBeCloseTo(1.85, 12);
    expect(meanTrainLoss(m, 2, 4)).toBeCloseTo(1.65, 12);
    expect(meanTrainLoss(m, 4, 4)).toBeNull();
  });
});
