import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from './config.js';
import { PRESET_NAMES, presetConfig } from './presets.js';

describe('presets', () => {
  it('match docs/reference-settings.md: Part 1 defaults, Part 2 SGD, the tuned Part 2 model, Part 4', () => {
    expect(presetConfig('mlp-manual')).toMatchObject({
      model: 'manual-mlp', hiddenUnits: [100], activation: 'elu', optimizer: 'sgd', learningRate: 1e-3,
      maxSteps: 1400, batchSize: 200, evalFreq: 100, seed: 42, normalization: 'mean-image',
    });
    expect(presetConfig('mlp')).toMatchObject({ model: 'mlp', hiddenUnits: [100], norm: 'none', optimizer: 'sgd', learningRate: 1e-3, maxSteps: 1400, batchSize: 200 });
    expect(presetConfig('mlp-tuned')).toMatchObject({ model: 'mlp', hiddenUnits: [100, 100], norm: 'batch', activation: 'elu', optimizer: 'adam', maxSteps: 3000 });
    expect(presetConfig('cnn')).toMatchObject({ model: 'cnn', optimizer: 'adam', learningRate: 1e-4, batchSize: 32, maxSteps: 5000, evalFreq: 500 });
    expect(PRESET_NAMES).toEqual(['mlp-manual', 'mlp', 'mlp-tuned', 'cnn']);
  });

  it('applies overrides, ignores undefined ones, and never shares the hidden-units array', () => {
    const c = presetConfig('mlp', { hiddenUnits: [64, 32], learningRate: 0.01, seed: undefined });
    expect(c).toMatchObject({ preset: 'mlp', hiddenUnits: [64, 32], learningRate: 0.01, seed: 42 });
    presetConfig('mlp').hiddenUnits.push(5);
    expect(DEFAULT_CONFIG.hiddenUnits).toEqual([100]);
    expect(presetConfig('mlp').hiddenUnits).toEqual([100]);
  });

  it('rejects unknown presets and invalid fields, naming each', () => {
    expect(() => presetConfig('resnet')).toThrow("unknown preset 'resnet', expected one of mlp-manual, mlp, mlp-tuned, cnn");
    expect(() => presetConfig('mlp-manual', { optimizer: 'adam' })).toThrow(/optimizer must be 'sgd' for the manual MLP/);
    expect(() => presetConfig('mlp-manual', { norm: 'batch' })).toThrow(/norm must be 'none' for the manual MLP/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, batchSize: 0, learningRate: -1 })).toThrow(/batchSize must be a positive integer, got 0; learningRate must be a positive number, got -1/);
  });
});
