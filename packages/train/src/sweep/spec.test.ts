import { describe, expect, it } from 'vitest';
import { gridSize, parseSweepSpec, sweepSpecToFile, validateSweepSpec } from './spec.js';

const yaml = `
name: lr-search
base: mlp
trials: 6
seed: 3
set: { maxSteps: 50, hiddenUnits: [8] }
grid:
  optimizer: [sgd, adam]
random:
  learningRate: { logUniform: [1.0e-4, 1.0e-2] }
  hiddenUnits: { choice: [[8], [16, 16]] }
`;

describe('sweep spec', () => {
  it('reads YAML and JSON to the same spec, with defaults', () => {
    const fromYaml = parseSweepSpec(yaml.replace('  hiddenUnits: { choice', '  batchSize: { choice').replace('[[8], [16, 16]]', '[10, 20]'));
    expect(fromYaml).toMatchObject({ name: 'lr-search', base: 'mlp', metric: 'best_accuracy', trials: 6, seed: 3, set: { maxSteps: 50, hiddenUnits: [8] }, grid: { optimizer: ['sgd', 'adam'] } });
    expect(fromYaml.random.learningRate).toEqual({ kind: 'logUniform', low: 1e-4, high: 1e-2 });
    const fromJson = parseSweepSpec(JSON.stringify(sweepSpecToFile(fromYaml)));
    expect(fromJson).toEqual(fromYaml);
  });

  it('a grid alone runs every point by default', () => {
    const spec = validateSweepSpec({ base: 'mlp', grid: { norm: ['none', 'batch', 'layer'], optimizer: ['sgd', 'adam'] } });
    expect(gridSize(spec)).toBe(6);
    expect(spec.trials).toBe(6);
    expect(spec.name).toBe('sweep-mlp');
  });

  it.each([
    [{ base: 'mlp', grid: { optimizer: ['sgd'] }, lr: 1 }, "f.yaml: unknown key 'lr', expected one of name, base, metric, trials, seed, data, set, grid, random"],
    [{ base: 'resnet', grid: { optimizer: ['sgd'] } }, "f.yaml: base must be one of mlp-manual, mlp, mlp-tuned, cnn, got 'resnet'"],
    [{ base: 'mlp', grid: { optimiser: ['sgd'] } }, "f.yaml: grid: unknown training option 'optimiser', expected one of hiddenUnits, activation, norm, optimizer, learningRate, maxSteps, batchSize, evalFreq, evalAtStart, evalBatchSize, seed"],
    [{ base: 'mlp', grid: { optimizer: ['sgd', 'rmsprop'] } }, "f.yaml: grid.optimizer[1] must be one of sgd, adam, got 'rmsprop'"],
    [{ base: 'mlp', grid: { optimizer: [] } }, 'f.yaml: grid.optimizer must be a non-empty list of values, got []'],
    [{ base: 'mlp', set: { maxSteps: 0 }, grid: { optimizer: ['sgd'] } }, 'f.yaml: set.maxSteps must be a positive integer, got 0'],
    [{ base: 'mlp', random: { learningRate: { logUniform: [0, 1] } }, trials: 3 }, 'f.yaml: random.learningRate.logUniform must have low > 0 (a log scale), got [0,1]'],
    [{ base: 'mlp', random: { learningRate: { logUniform: [1, 0.1] } }, trials: 3 }, 'f.yaml: random.learningRate.logUniform must be [low, high] with numbers low < high, got [1,0.1]'],
    [{ base: 'mlp', random: { learningRate: { gaussian: [1, 2] } }, trials: 3 }, "f.yaml: random.learningRate: unknown distribution 'gaussian', expected one of choice, uniform, logUniform, intUniform"],
    [{ base: 'mlp', random: { norm: { uniform: [1, 2] } }, trials: 3 }, 'f.yaml: random.norm.uniform: norm is not a number; use { choice: [...] }'],
    [{ base: 'mlp', random: { hiddenUnits: { choice: [[100], [0]] } }, trials: 3 }, 'f.yaml: random.hiddenUnits.choice[1] must be a list of positive integers like [100, 100], got [0]'],
    [{ base: 'mlp', random: { learningRate: { logUniform: [1e-4, 1e-2] } } }, 'f.yaml: trials (the budget) is required with random'],
    [{ base: 'mlp', grid: { optimizer: ['sgd', 'adam'] }, trials: 3 }, "f.yaml: trials 3 is more than the grid's 2 points (without random, the extra trials would repeat them); lower trials or add random"],
    [{ base: 'mlp', set: { norm: 'batch' }, grid: { norm: ['none'] } }, 'f.yaml: set.norm: norm is searched too (grid or random); fix it or search it, not both'],
    [{ base: 'mlp', metric: 'loss', grid: { norm: ['none'] } }, "f.yaml: metric must be one of best_accuracy, final_accuracy, got 'loss'"],
    [{ base: 'mlp' }, 'f.yaml: nothing to search: give grid and/or random'],
    [[1, 2], 'f.yaml: must be a mapping of keys (name, base, metric, trials, seed, data, set, grid, random), got [1,2]'],
  ])('%j → error naming the key', (raw, message) => {
    expect(() => validateSweepSpec(raw, 'f.yaml')).toThrow(message);
  });

  it('bad YAML names the file', () => {
    expect(() => parseSweepSpec('base: [mlp', 'bad.yaml')).toThrow(/^bad\.yaml: not valid YAML\/JSON: /);
  });
});
