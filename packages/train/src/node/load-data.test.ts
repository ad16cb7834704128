import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDataPath } from './load-data.js';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'backprop-cache-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('resolveDataPath', () => {
  it('uses --data as given', async () => {
    expect(await resolveDataPath({ data: '/some/cifar-10-binary.tar.gz', cacheDir })).toBe('/some/cifar-10-binary.tar.gz');
  });

  it('offline with an empty cache: says to pass --data', async () => {
    const offline = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as unknown as typeof fetch;
    await expect(resolveDataPath({ cacheDir, fetch: offline })).rejects.toThrow(
      'CIFAR-10 is not in the cache and could not be downloaded (offline): pass --data path/to/cifar-10-binary.tar.gz',
    );
  });
});
