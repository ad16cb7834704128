import { initBackend, tf } from '@backprop/tensor';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticData } from '../test-support/synthetic.js';
import { activationExperiment, activationTable } from './activation.js';
import { normBatchSizeExperiment } from './norm-batch-size.js';

beforeAll(async () => {
  await initBackend();
});
const data = syntheticData();

describe('experiments', () => {
  it('activation: gradient norms per layer and accuracy per activation, leak-free', async () => {
    const before = tf.memory().numTensors;
    const r = await activationExperiment(data, { hiddenUnits: [8, 8, 8], maxSteps: 20, batchSize: 20, evalFreq: 10, gradFreq: 5, evalBatchSize: 30 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.completed).toBe(true);
    // steps 1, 5, 10, 15, 20 × 4 Linear layers × 2 activations
    expect(r.gradNorms).toHaveLength(5 * 4 * 2);
    expect(new Set(r.gradNorms.map((p) => p.layer))).toEqual(new Set([1, 2, 3, 4]));
    expect(r.gradNorms.every((p) => Number.isFinite(p.norm) && p.norm > 0)).toBe(true);
    expect(r.accuracy.map((p) => `${p.activation}@${p.step}`)).toEqual(['elu@0', 'elu@10', 'elu@20', 'tanh@0', 'tanh@10', 'tanh@20']);
    // The same numbers as the experiment's own training loop gave before it ran on the trainer
    // (fixtures/activation-golden.json, recorded from that loop at this seed): same init, batches, steps.
    const golden = JSON.parse(readFileSync(new URL('./fixtures/activation-golden.json', import.meta.url), 'utf8'));
    expect(r.gradNorms).toEqual(golden.gradNorms);
    expect(r.accuracy).toEqual(golden.accuracy);
    const rows = activationTable(r);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ activation: 'elu', layer: 1 });
  });

  it('norm-batch-size: one row per (batch size, norm); BatchNorm with a batch of 1 is marked undefined', async () => {
    const r = await normBatchSizeExperiment(data, { batchSizes: [1, 20], examples: 40, hiddenUnits: [8, 8] });
    expect(r.rows.map((x) => [x.batchSize, x.norm, x.steps])).toEqual([
      [1, 'none', 40], [1, 'batch', 40], [1, 'layer', 40],
      [20, 'none', 2], [20, 'batch', 2], [20, 'layer', 2],
    ]);
    expect(r.rows[1]!.testAccuracy).toBeNull();
    expect(r.rows[1]!.note).toContain('BatchNorm needs ≥ 2');
    for (const row of r.rows.filter((x) => x.note === '')) expect(row.testAccuracy).toBeGreaterThanOrEqual(0);
  });
});
