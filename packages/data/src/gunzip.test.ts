import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collect, readChunks } from './byte-source.js';
import { DataFormatError } from './errors.js';
import { gunzipNode, gunzipWeb } from './gunzip.js';

const raw = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 7 + (i >> 10)) & 255);
const gz = new Uint8Array(gzipSync(raw));

describe.each([
  ['node:zlib', gunzipNode],
  ['DecompressionStream', gunzipWeb],
])('gunzip with %s', (_, gunzip) => {
  it('inflates a stream fed in chunks', async () => {
    const out = await collect(gunzip(readChunks(gz), 'a.gz'));
    expect(Buffer.from(out).equals(Buffer.from(raw))).toBe(true);
  });

  it('reports a truncated stream, naming the file', async () => {
    const err = await collect(gunzip(readChunks(gz.subarray(0, gz.length - 100)), 'cut.tar.gz')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toMatch(/^cut\.tar\.gz: truncated gzip stream: the compressed data ends early, after \d+ bytes/);
  });

  it('reports corrupt data', async () => {
    const bad = gz.slice();
    for (let i = 100; i < 200; i++) bad[i]! ^= 0x5a;
    const err = await collect(gunzip(readChunks(bad), 'bad.gz')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toMatch(/^bad\.gz: (corrupt gzip stream|truncated gzip stream)/);
  });
});
