// The loaders as a browser runs them: no node: modules on the load path, gunzip by
// DecompressionStream, input an ArrayBuffer or a File. (Node plays the browser: `isNode` is false.)
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { binaryArchive, binaryFiles, expectedData, FIXTURES, PY_TEST_COUNT, PY_TRAIN_COUNTS } from './test-support/cifar-fixture.js';

vi.mock('./platform.js', () => ({ isNode: false }));
const { createGunzip } = vi.hoisted(() => ({
  createGunzip: vi.fn(() => {
    throw new Error('node:zlib used');
  }),
}));
vi.mock('node:zlib', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:zlib')>()), createGunzip }));

describe('in a browser', () => {
  it('loads the binary archive from an ArrayBuffer and the python archive from a File, with DecompressionStream', async () => {
    const { loadCifar10 } = await import('./cifar10.js');
    const gz = binaryArchive(binaryFiles());
    const a = await loadCifar10(gz.slice().buffer);
    const want = expectedData([2, 2, 2, 2, 2], 3);
    expect(Buffer.from(a.train.images).equals(Buffer.from(want.train.images))).toBe(true);
    const file = new File([readFileSync(path.join(FIXTURES, 'cifar-10-python.tar.gz'))], 'cifar-10-python.tar.gz');
    const b = await loadCifar10(file);
    expect(Buffer.from(b.test.images).equals(Buffer.from(expectedData(PY_TRAIN_COUNTS, PY_TEST_COUNT).test.images))).toBe(true);
    expect(createGunzip).not.toHaveBeenCalled();
  });

  it('refuses a path with a message that says what to pass instead', async () => {
    const { readChunks } = await import('./byte-source.js');
    await expect(readChunks('/data/cifar.tar.gz').next()).rejects.toThrowError(/file paths need Node; in a browser pass the file's ArrayBuffer or File/);
  });
});

describe('browser bundle safety', () => {
  it('no source module imports node: modules statically (only dynamic import() inside functions)', () => {
    const dir = path.dirname(new URL(import.meta.url).pathname);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(10);
    for (const f of sources) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/^\s*import\s[^;]*from\s+['"]node:/m);
      expect(text, f).not.toMatch(/\brequire\(/);
    }
  });
});
