import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadPool } from './thread-pool.js';

describe('ThreadPool', () => {
  afterEach(() => vi.unstubAllGlobals());

  // A browser page without COOP/COEP headers has no SharedArrayBuffer; initBackend starts a
  // one-thread engine there and must not fail.
  it('runs one thread without SharedArrayBuffer', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const calls: number[][] = [];
    const fn = (...args: number[]) => void calls.push(args);
    const pool = await ThreadPool.start(1, null as never, null as never, ['f'], [fn]);
    pool.run(0, [[1, 2, 3]]);
    pool.close();
    expect(calls).toEqual([[1, 2, 3]]);
  });
});
