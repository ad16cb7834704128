import { initBackend, tf } from '@backprop/tensor';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toTensors } from './batch-tensors.js';
import { buildModel } from './build-model.js';
import { makeRunData } from './data.js';
import { presetConfig } from './presets.js';
import { syntheticData } from './test-support/synthetic.js';

beforeAll(async () => {
  await initBackend();
});

const data = syntheticData();

describe('labels: class indices through the autograd path, one-hot only for the manual MLP', () => {
  it('the run data gives class indices; toTensors makes int32 indices, or one-hot rows when asked', () => {
    const batch = makeRunData(data, presetConfig('mlp', { batchSize: 4 })).train.nextBatch(4);
    expect(batch.yShape).toEqual([4]);
    const indices = toTensors(batch, { oneHot: false, numClasses: 3 });
    expect(indices.y.dtype).toBe('int32');
    expect(Array.from(indices.y.dataSync())).toEqual(Array.from(batch.labels));
    const oneHot = toTensors(batch, { oneHot: true, numClasses: 3 });
    expect(oneHot.y.shape).toEqual([4, 3]);
    expect(Array.from(oneHot.y.dataSync())).toEqual(Array.from(batch.labels).flatMap((l) => [0, 1, 2].map((k) => (k === l ? 1 : 0))));
    tf.dispose([indices.x, indices.y, oneHot.x, oneHot.y]);
  });

  it('checks the label range while the labels are a JS array, naming the entry', () => {
    const batch = makeRunData(data, presetConfig('mlp', { batchSize: 4 })).train.nextBatch(4);
    const before = tf.memory().numTensors;
    const bad = { ...batch, labels: Uint8Array.from([0, 1, 3, 2]) };
    expect(() => toTensors(bad, { oneHot: false, numClasses: 3 })).toThrow('classIndices: labels[2] must be a class index in [0, 3), got 3');
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['mlp', 'mlp-tuned', 'mlp-manual'])('%s: a training step reads one number back to JS, the loss (no label read-back)', (preset) => {
    const config = presetConfig(preset, { hiddenUnits: [8], batchSize: 10 });
    const run = makeRunData(data, config);
    const model = buildModel(config, { recordShape: run.recordShape, nClasses: 3 });
    const batch = run.train.nextBatch(10);
    model.trainStep(batch); // Adam makes its state on the first step
    const reads = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      model.trainStep(batch);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
      model.dispose();
    }
  });
});
