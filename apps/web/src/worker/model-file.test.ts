import type { LabelledData } from '@backprop/data';
import { encodeSafetensors } from '@backprop/layers';
import { initBackend, Rng } from '@backprop/tensor';
import { buildModel, evaluate, makeRunData } from '@backprop/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSettings } from '../protocol.js';
import { evaluateModelFile } from './model-file.js';
import { sessionConfig } from './session-config.js';

beforeAll(async () => {
  await initBackend();
});

/** 3 classes of 3×4×4 images: a fixed pattern per class plus noise. */
function tinyData(): LabelledData {
  const rng = new Rng(3);
  const size = 48;
  const patterns = [0, 1, 2].map(() => Array.from({ length: size }, () => 40 + 170 * rng.uniform()));
  const split = (n: number) => {
    const images = new Uint8Array(n * size);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    for (let i = 0; i < n; i++) for (let p = 0; p < size; p++) images[i * size + p] = Math.max(0, Math.min(255, Math.round(patterns[i % 3]![p]! + 50 * rng.normal())));
    return { images, labels, length: n, shape: [3, 4, 4] as [number, number, number] };
  };
  return { train: split(60), test: split(30), classNames: ['a', 'b', 'c'] };
}

const settings: RunSettings = { preset: 'mlp-manual', hiddenUnits: [8], activation: 'elu', norm: 'none', optimizer: 'sgd', learningRate: 0.01, maxSteps: 5, batchSize: 10, evalFreq: 5, evalAtStart: false, seed: 1 };

describe('a model file back into the page', () => {
  const data = tinyData();

  it("evaluates the page's own download (PyTorch names, metadata preset/step) to the accuracy of the model it came from", () => {
    const config = sessionConfig(settings);
    const run = makeRunData(data, config);
    const model = buildModel(config, { recordShape: run.recordShape, nClasses: 3 });
    for (let i = 0; i < 5; i++) model.trainStep(run.train.nextBatch(10));
    const expected = evaluate(model, run.test, config.evalBatchSize);
    const bytes = encodeSafetensors(model.stateDict(), { format: 'pt', preset: 'mlp-manual', step: '5' });
    model.dispose();
    const r = evaluateModelFile(bytes, 'mlp-manual-step5.safetensors', settings, data);
    expect(r).toEqual({ fileName: 'mlp-manual-step5.safetensors', preset: 'mlp-manual', step: 5, testAccuracy: expected.accuracy, testLoss: expected.loss, examples: 30 });
  });

  it('refuses a file of other shapes or another preset, naming the tensor, the expected and the actual shape', () => {
    const config = sessionConfig({ ...settings, preset: 'mlp', hiddenUnits: [16] });
    const run = makeRunData(data, config);
    const other = buildModel(config, { recordShape: run.recordShape, nClasses: 3 });
    const bytes = encodeSafetensors(other.stateDict(), { format: 'pt', preset: 'mlp', step: '0' });
    other.dispose();
    expect(() => evaluateModelFile(bytes, 'model.safetensors', settings, data)).toThrow(
      "model.safetensors does not fit the mlp-manual model of these settings (the file is of preset 'mlp'): ManualMlpModel.loadStateDict: 'layers.0.weight' must have shape [8, 48], got [16, 48]; 'layers.0.bias' must have shape [8], got [16]; 'layers.2.weight' must have shape [3, 8], got [3, 16]",
    );
    expect(() => evaluateModelFile(bytes, 'model.safetensors', { ...settings, preset: 'mlp', hiddenUnits: [4] }, data)).toThrow(
      'model.safetensors does not fit the mlp model of these settings: loadState: size mismatch for layers.0.weight: expected [4, 48], got [16, 48]',
    );
  });

  it('refuses a file that is not safetensors, or holds non-finite weights', () => {
    expect(() => evaluateModelFile(new TextEncoder().encode('not a model'), 'notes.safetensors', settings, data)).toThrow(/^notes\.safetensors is not a safetensors model file: decodeSafetensors: /);
    const nan = encodeSafetensors(new Map([['layers.0.weight', { dtype: 'F32', shape: [2], data: new Float32Array([1, Number.NaN]) }]]), {});
    expect(() => evaluateModelFile(nan, 'broken.safetensors', settings, data)).toThrow('broken.safetensors: layers.0.weight[1] is NaN; a model with non-finite weights cannot be evaluated or trained on');
  });
});
