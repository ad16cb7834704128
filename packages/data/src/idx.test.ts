import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.js';
import { loadIdx, parseIdx, readIdx } from './idx.js';
import { channelStats } from './normalization.js';
import { gzip } from './test-support/tar-writer.js';

/** An IDX file of uint8 with the given dims and data. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 0x08, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'backprop-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const images = (n: number) => Uint8Array.from({ length: n * 4 * 3 }, (_, i) => (i * 11) & 255);
const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);

describe('IDX', () => {
  it('parses idx3 images and idx1 labels, gzipped or raw, from bytes or a folder', async () => {
    const dir = mkdtempSync(path.join(tmp, 'set-'));
    writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzip(idx([5, 4, 3], images(5))));
    writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idx([5], labels(5)));
    writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx([2, 4, 3], images(2)));
    writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzip(idx([2], labels(2))));
    const data = await loadIdx(dir);
    expect(data.train.shape).toEqual([1, 4, 3]);
    expect(data.train.length).toBe(5);
    expect([...data.train.labels]).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.from(data.train.images).equals(Buffer.from(images(5)))).toBe(true);
    expect(data.test.length).toBe(2);
    expect(data.classNames).toHaveLength(10);
    const fromBytes = await loadIdx({
      trainImages: gzip(idx([5, 4, 3], images(5))),
      trainLabels: idx([5], labels(5)).buffer as ArrayBuffer,
      testImages: new Blob([idx([2, 4, 3], images(2)).slice()]),
      testLabels: idx([2], labels(2)),
    });
    expect(Buffer.from(fromBytes.train.images).equals(Buffer.from(data.train.images))).toBe(true);
    expect([...fromBytes.test.labels]).toEqual([0, 1]);
  });

  it('rejects a wrong magic number, a wrong element type, and a size that does not match the header', () => {
    const good = idx([2, 4, 3], images(2));
    const bad = good.slice();
    bad[0] = 0x1f;
    expect(() => parseIdx(bad, 'x-idx3-ubyte')).toThrowError(/^x-idx3-ubyte: wrong IDX magic number 1f 00 08 03: expected 00 00 08 <ndims>.*\(at byte offset 0\)$/);
    const float = good.slice();
    float[2] = 0x0d;
    expect(() => parseIdx(float, 'f')).toThrowError(/IDX element type 0xd \(float32\) is not supported/);
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'short')).toThrowError(
      /^short: IDX dimensions \[2, 4, 3\] need 24 data bytes after the 16-byte header, file has 23 \(truncated\)/,
    );
  });

  it('rejects mismatched image and label counts, labels out of range, and a missing file', async () => {
    const bad = loadIdx({ trainImages: idx([3, 4, 3], images(3)), trainLabels: idx([2], labels(2)), testImages: idx([1, 4, 3], images(1)), testLabels: idx([1], labels(1)) });
    await expect(bad).rejects.toThrowError(/2 labels for the 3 images/);
    const big = loadIdx({ trainImages: idx([1, 4, 3], images(1)), trainLabels: idx([1], Uint8Array.of(10)), testImages: idx([1, 4, 3], images(1)), testLabels: idx([1], labels(1)) });
    await expect(big).rejects.toThrowError(/label 10 of record 0 is out of range 0–9 \(at byte offset 8\)/);
    await expect(readIdx('/nonexistent/train-images-idx3-ubyte.gz')).rejects.toThrowError(DataFormatError);
    await expect(loadIdx(mkdtempSync(path.join(tmp, 'empty-')))).rejects.toThrowError(
      /missing train-images-idx3-ubyte\[\.gz\], train-labels-idx1-ubyte\[\.gz\], t10k-images-idx3-ubyte\[\.gz\], t10k-labels-idx1-ubyte\[\.gz\]/,
    );
  });
});

const FASHION = '/usr/share/datasets/fashion-mnist';

describe.skipIf(!existsSync(FASHION))(`the real Fashion-MNIST (${FASHION}, Debian dataset-fashion-mnist; skipped only when absent)`, () => {
  it('has 60,000 / 10,000 images of 28×28, 6,000 / 1,000 per class, and the known mean', async () => {
    const data = await loadIdx(FASHION);
    expect(data.train.length).toBe(60_000);
    expect(data.test.length).toBe(10_000);
    expect(data.train.shape).toEqual([1, 28, 28]);
    expect(data.classNames[9]).toBe('Ankle boot');
    const count = (l: Uint8Array) => l.reduce((c, v) => (c[v]!++, c), new Array<number>(10).fill(0));
    expect(count(data.train.labels)).toEqual(new Array(10).fill(6000));
    expect(count(data.test.labels)).toEqual(new Array(10).fill(1000));
    expect([...data.test.labels.subarray(0, 10)]).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const { mean, std } = channelStats(data.train);
    // NumPy on the same files: 72.94035, 90.02118 (the usual 0.2860 / 0.3530 × 255).
    expect(mean[0]).toBeCloseTo(72.94035, 4);
    expect(std[0]).toBeCloseTo(90.02118, 4);
  });
});
