import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { resolveThreads } from './threads.js';

describe('resolveThreads', () => {
  it('takes --threads first, then $BACKPROP_THREADS, then every core for the CNN and one for MLPs', () => {
    expect(resolveThreads('3', 'train', 'mlp', { BACKPROP_THREADS: '2' })).toBe(3);
    expect(resolveThreads(undefined, 'train', 'mlp', { BACKPROP_THREADS: '2' })).toBe(2);
    expect(resolveThreads(undefined, 'train', 'cnn', {})).toBe(availableParallelism());
    expect(resolveThreads(undefined, 'train', 'cnn', { BACKPROP_THREADS: '' })).toBe(availableParallelism());
    expect(resolveThreads(undefined, 'train', 'mlp', {})).toBe(1);
  });

  it('rejects a count that is not a positive integer, naming where it came from', () => {
    expect(() => resolveThreads('0', 'train', 'cnn', {})).toThrow(new UsageError("--threads must be a positive integer, got '0'", 'train'));
    expect(() => resolveThreads(undefined, 'experiment', 'mlp', { BACKPROP_THREADS: 'many' })).toThrow(/BACKPROP_THREADS must be a positive integer, got 'many'/);
  });
});
