import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { MAX_THREADS, resolveThreads } from './threads.js';

describe('resolveThreads', () => {
  it('takes --threads first, then $BACKPROP_THREADS, then one per core', () => {
    expect(resolveThreads('3', 'train', { BACKPROP_THREADS: '2' })).toBe(3);
    expect(resolveThreads(undefined, 'train', { BACKPROP_THREADS: '2' })).toBe(2);
    expect(resolveThreads(undefined, 'train', {})).toBe(Math.min(availableParallelism(), MAX_THREADS));
    expect(resolveThreads(undefined, 'train', { BACKPROP_THREADS: '' })).toBe(Math.min(availableParallelism(), MAX_THREADS));
  });

  it('rejects a count that is not a positive integer up to the backend\'s 8, naming where it came from', () => {
    expect(() => resolveThreads('0', 'train', {})).toThrow(new UsageError("--threads must be a positive integer no larger than 8, got '0'", 'train'));
    expect(() => resolveThreads(undefined, 'experiment', { BACKPROP_THREADS: 'many' })).toThrow(/BACKPROP_THREADS must be a positive integer no larger than 8, got 'many'/);
    expect(() => resolveThreads('64', 'train', {})).toThrow("--threads must be a positive integer no larger than 8, got '64'");
  });
});
