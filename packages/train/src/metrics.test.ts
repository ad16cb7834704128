import { describe, expect, it } from 'vitest';
import { meanTrainLoss, metricsFromCsv, metricsFromJson, metricsToCsv, metricsToJson, type MetricsHistory } from './metrics.js';
import { presetConfig } from './presets.js';
import { summaryMarkdown } from './summary.js';

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

describe('metrics with NaN and ±Infinity (a diverged run)', () => {
  const bad: MetricsHistory = {
    train: [
      { step: 1, loss: 2.5 },
      { step: 2, loss: Infinity },
      { step: 3, loss: Number.NaN },
    ],
    eval: [
      { step: 0, testLoss: 2.3, testAccuracy: 0.1, trainLoss: null },
      { step: 2, testLoss: -Infinity, testAccuracy: Number.NaN, trainLoss: Infinity },
    ],
    diverged: { step: 3, cause: 'loss', loss: Number.NaN },
  };

  it('CSV and JSON spell them the same way (NaN, Infinity, -Infinity) and read them back', () => {
    const csv = metricsToCsv(bad);
    expect(csv).toBe(['step,train_loss,test_loss,test_accuracy', '0,,2.3,0.1', '1,2.5,,', '2,Infinity,-Infinity,NaN', '3,NaN,,', ''].join('\n'));
    const json = metricsToJson(bad);
    expect(json).not.toContain('null,'); // trainLoss of step 0 is the only null
    expect(JSON.parse(json).train[1].loss).toBe('Infinity');
    expect(JSON.parse(json).eval[1]).toEqual({ step: 2, testLoss: '-Infinity', testAccuracy: 'NaN', trainLoss: 'Infinity' });
    expect(metricsFromJson(json)).toEqual(bad);
    const fromCsv = metricsFromCsv(csv);
    expect(fromCsv.train).toEqual(bad.train);
    expect(fromCsv.eval[1]).toMatchObject({ testLoss: -Infinity, testAccuracy: Number.NaN });
  });

  it('reads files written before (JSON.stringify turned NaN/±Infinity into null) as NaN, and refuses other values', () => {
    const old = JSON.stringify(bad); // the old writer
    const back = metricsFromJson(old);
    expect(back.train.map((p) => p.loss)).toEqual([2.5, Number.NaN, Number.NaN]);
    expect(back.eval[0]!.trainLoss).toBeNull();
    expect(back.eval[1]!.testLoss).toBeNaN();
    expect(() => metricsFromJson('{"train":[{"step":1,"loss":"1.5"}],"eval":[]}')).toThrow(`train[0].loss must be a number, 'NaN', 'Infinity' or '-Infinity', got "1.5"`);
  });

  it('summary.md shows them (no crash) and says the run diverged', () => {
    const md = summaryMarkdown({ config: presetConfig('mlp'), description: 'MLP', numParameters: 10, metrics: bad, reason: 'diverged', step: 3, elapsedMs: 1000, lastCheckpointStep: 0 });
    expect(md).toContain('- Status: diverged at step 3: the training loss became NaN; model.safetensors and checkpoint.safetensors hold step 0, the last checkpoint before it. Try a lower --learning-rate');
    expect(md).toContain('| 2 | Infinity | -Infinity | NaN |');
  });
});
