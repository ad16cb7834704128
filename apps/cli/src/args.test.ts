import { describe, expect, it } from 'vitest';
import { intList, parseTrainArgs } from './args.js';

describe('parseTrainArgs', () => {
  it('maps the original flag names onto config fields, converting values', () => {
    const a = parseTrainArgs([
      'mlp', '--dnn-hidden-units', '100,100', '--learning-rate', '2e-3', '--max-steps', '3000', '--batch-size', '128',
      '--eval-freq', '50', '--optimizer', 'adam', '--activation', 'tanh', '--norm', 'layer', '--seed', '0',
      '--data', 'x.tar.gz', '--out', 'runs/a', '--cache-dir', '/c',
    ]);
    expect(a.preset).toBe('mlp');
    expect(a.overrides).toEqual({
      hiddenUnits: [100, 100], learningRate: 0.002, maxSteps: 3000, batchSize: 128, evalFreq: 50,
      optimizer: 'adam', activation: 'tanh', norm: 'layer', seed: 0,
    });
    expect([a.data, a.out, a.cacheDir, a.resume, a.help]).toEqual(['x.tar.gz', 'runs/a', '/c', undefined, false]);
  });

  it('accepts --flag=value and -h', () => {
    expect(parseTrainArgs(['cnn', '--max-steps=10']).overrides).toEqual({ maxSteps: 10 });
    expect(parseTrainArgs(['cnn', '--no-initial-eval']).overrides).toEqual({ evalAtStart: false });
    expect(parseTrainArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['mlp', '--max-steps', '0'], "--max-steps must be a positive integer, got '0'"],
    [['mlp', '--learning-rate', 'fast'], "--learning-rate must be a positive number, got 'fast'"],
    [['mlp', '--optimizer', 'rmsprop'], "--optimizer must be one of sgd|adam, got 'rmsprop'"],
    [['mlp', '--norm', 'group'], "--norm must be one of none|batch|layer, got 'group'"],
    [['mlp', '--dnn-hidden-units', '100,x'], "--dnn-hidden-units must be comma-separated positive integers like 100,100, got '100,x'"],
    [['mlp', '--epochs', '3'], "Unknown option '--epochs'"],
    [['mlp', 'cnn'], 'expected one preset, got 2: mlp cnn'],
    [['mlp', '--max-steps'], "Option '--max-steps <value>' argument missing"],
  ])('%j → %s', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });

  it('intList: empty means no hidden layer', () => {
    expect(intList('--dnn-hidden-units', '', 'train')).toEqual([]);
    expect(intList('--dnn-hidden-units', ' 64 , 32 ', 'train')).toEqual([64, 32]);
  });
});
