import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10 } from './cifar10.js';
import { DataFormatError } from './errors.js';
import { channelStats } from './normalization.js';
import type { LabelledData } from './split.js';
import {
  binaryArchive,
  binaryFiles,
  expectedData,
  FIXTURES,
  PY_TEST_COUNT,
  PY_TRAIN_COUNTS,
  writeFolder,
} from './test-support/cifar-fixture.js';
import { gzip, makeTar } from './test-support/tar-writer.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'backprop-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectSame(actual: LabelledData, expected: LabelledData): void {
  expect(actual.classNames).toEqual(expected.classNames);
  for (const s of ['train', 'test'] as const) {
    expect(actual[s].length).toBe(expected[s].length);
    expect(actual[s].shape).toEqual([3, 32, 32]);
    expect(actual[s].images.length).toBe(expected[s].length * 3072);
    // Compare as Buffers: fast, and a mismatch reports the first differing byte.
    expect(Buffer.from(actual[s].labels).equals(Buffer.from(expected[s].labels))).toBe(true);
    expect(Buffer.from(actual[s].images).equals(Buffer.from(expected[s].images))).toBe(true);
  }
}

/** Rejects with a DataFormatError whose message matches every pattern. */
async function expectDataError(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<DataFormatError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFormatError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  return err as DataFormatError;
}

describe('loadCifar10: every form gives the same result', () => {
  const uniform = expectedData([2, 2, 2, 2, 2], 3);
  const files = binaryFiles();

  it('binary .tar.gz as a path, ArrayBuffer, Uint8Array and Blob', async () => {
    const gz = binaryArchive(files);
    const file = path.join(tmp, 'cifar-10-binary.tar.gz');
    writeFileSync(file, gz);
    expectSame(await loadCifar10(file), uniform);
    expectSame(await loadCifar10(gz.slice().buffer), uniform);
    expectSame(await loadCifar10(gz), uniform);
    expectSame(await loadCifar10(new Blob([gz.slice()])), uniform);
  });

  it('an uncompressed .tar, whatever the member order', async () => {
    const order = ['batches.meta.txt', 'data_batch_5.bin', 'data_batch_4.bin', 'test_batch.bin', 'data_batch_3.bin', 'data_batch_2.bin', 'data_batch_1.bin'];
    expectSame(await loadCifar10(binaryArchive(files, { raw: true, order })), uniform);
  });

  it('training files of different sizes are still concatenated in file order', async () => {
    const uneven = [1, 4, 2, 3, 1];
    expectSame(await loadCifar10(binaryArchive(binaryFiles(uneven, 2))), expectedData(uneven, 2));
  });

  it('the extracted cifar-10-batches-bin/ folder, or a folder holding it', async () => {
    const dir = writeFolder(path.join(tmp, 'extracted', 'cifar-10-batches-bin'), files);
    expectSame(await loadCifar10(dir), uniform);
    expectSame(await loadCifar10(path.dirname(dir)), uniform);
  });

  it('the python version: the pickled folder, and its .tar.gz (GNU tar, a long member name)', async () => {
    const expected = expectedData(PY_TRAIN_COUNTS, PY_TEST_COUNT);
    expectSame(await loadCifar10(path.join(FIXTURES, 'cifar-10-batches-py')), expected);
    expectSame(await loadCifar10(path.join(FIXTURES, 'cifar-10-python.tar.gz')), expected);
    expectSame(await loadCifar10(new Uint8Array(readFileSync(path.join(FIXTURES, 'cifar-10-python.tar.gz')))), expected);
  });

  it('a binary archive written by Python tarfile in pax format', async () => {
    expectSame(await loadCifar10(path.join(FIXTURES, 'cifar-10-binary-pax.tar.gz')), expectedData(PY_TRAIN_COUNTS, PY_TEST_COUNT));
  });

  it('reports read progress up to the whole input, for archives and folders', async () => {
    const gz = binaryArchive(files);
    const seen: { read: number; total: number | undefined }[] = [];
    await loadCifar10(new Blob([gz.slice()]), { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ read: gz.length, total: gz.length });
    expect(seen.every((p, i) => i === 0 || p.read > seen[i - 1]!.read)).toBe(true);
    const dir = writeFolder(path.join(tmp, 'progress', 'cifar-10-batches-bin'), files);
    const total = [...files.values()].reduce((a, f) => a + f.length, 0);
    const last: { read: number; total: number | undefined }[] = [];
    await loadCifar10(dir, { onProgress: (p) => last.push(p) });
    expect(last.length).toBeGreaterThanOrEqual(7);
    expect(last.at(-1)).toEqual({ read: total, total });
  });

  it('class names come from batches.meta.txt when present, else the standard ones', async () => {
    const custom = new Map(files);
    custom.set('batches.meta.txt', new TextEncoder().encode('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n'));
    expect((await loadCifar10(binaryArchive(custom))).classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    const none = new Map(files);
    none.delete('batches.meta.txt');
    expect((await loadCifar10(binaryArchive(none))).classNames[9]).toBe('truck');
  });
});

describe('loadCifar10: bad input gets a clear error', () => {
  const files = binaryFiles();

  it('a truncated .tar.gz names the file and says truncated', async () => {
    const gz = binaryArchive(files);
    const file = path.join(tmp, 'truncated.tar.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    await expectDataError(loadCifar10(file), /truncated\.tar\.gz/, /truncated gzip stream/);
  });

  it('a truncated .tar names the member it stops in and the byte offset', async () => {
    const tar = binaryArchive(files, { raw: true });
    // Members: the directory (header at 0), data_batch_3.bin (header 512, data 1024–7170), …
    const err = await expectDataError(
      loadCifar10(tar.subarray(0, 5000)),
      /truncated tar archive: member "cifar-10-batches-bin\/data_batch_3\.bin" declares 6146 bytes but the archive ends after 3976 of them/,
      /byte offset 5000/,
    );
    expect(err.offset).toBe(5000);
    await expectDataError(loadCifar10(tar.subarray(0, 8000)), /truncated tar archive: it ends inside a 512-byte header/, /byte offset 8000/);
  });

  it('a tar cut exactly between members reports the missing files', async () => {
    const tar = binaryArchive(files, { raw: true });
    // Member order: dir, data_batch_3 (6146 B → 6656 with padding), …: cut after data_batch_3.
    await expectDataError(loadCifar10(tar.subarray(0, 512 + 512 + 6656)), /missing data_batch_1\.bin, data_batch_2\.bin, data_batch_4\.bin, data_batch_5\.bin, test_batch\.bin/, /probably truncated/);
  });

  it('a batch whose size is not a multiple of 3073', async () => {
    const bad = new Map(files);
    bad.set('data_batch_2.bin', files.get('data_batch_2.bin')!.subarray(0, 3073 + 100));
    await expectDataError(loadCifar10(binaryArchive(bad)), /cifar-10-batches-bin\/data_batch_2\.bin/, /size 3173 bytes is not a multiple of the 3073-byte record/, /byte offset 3073/);
    const dir = writeFolder(path.join(tmp, 'bad-size'), bad);
    await expectDataError(loadCifar10(dir), /bad-size\/data_batch_2\.bin/, /not a multiple of the 3073-byte record/);
  });

  it('a label byte above 9, with its record and byte offset', async () => {
    const bad = new Map(files);
    const batch = files.get('data_batch_4.bin')!.slice();
    batch[3073] = 12;
    bad.set('data_batch_4.bin', batch);
    const err = await expectDataError(loadCifar10(binaryArchive(bad)), /data_batch_4\.bin/, /label byte 12 of record 1 is out of range 0–9/, /byte offset 3073/);
    expect(err.offset).toBe(3073);
  });

  it('missing batch files, in an archive and in a folder', async () => {
    const partial = new Map(files);
    partial.delete('data_batch_3.bin');
    partial.delete('test_batch.bin');
    await expectDataError(loadCifar10(binaryArchive(partial)), /missing data_batch_3\.bin, test_batch\.bin/);
    const dir = writeFolder(path.join(tmp, 'partial', 'cifar-10-batches-bin'), partial);
    await expectDataError(loadCifar10(dir), /partial\/cifar-10-batches-bin: missing data_batch_3\.bin, test_batch\.bin/);
  });

  it('a path that does not exist, a folder without CIFAR-10, an archive without it, and not an archive', async () => {
    await expectDataError(loadCifar10(path.join(tmp, 'nope.tar.gz')), /nope\.tar\.gz: no such file or folder/);
    await expectDataError(loadCifar10(mkdtempSync(path.join(tmp, 'empty-'))), /holds no CIFAR-10 data/);
    await expectDataError(loadCifar10(gzip(makeTar([{ name: 'x/readme.txt', data: new Uint8Array(3) }]))), /no CIFAR-10 batch files in the archive/, /x\/readme\.txt/);
    await expectDataError(loadCifar10(new TextEncoder().encode('hello, this is not an archive'.repeat(30))), /not a tar archive/);
    await expectDataError(loadCifar10(new Uint8Array(0)), /empty/);
  });

  it('a python batch with a bad label names the pickle and the record', async () => {
    // Flip label 0 of data_batch_1 (BININT1 1 → 11) inside the committed py2 pickle.
    const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, 'cifar-10-batches-py', 'data_batch_1')));
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x28, 0x4b, 0x01, 0x4b, 0x04])); // MARK, K 1, K 4
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = 11;
    const dir = path.join(tmp, 'py-bad', 'cifar-10-batches-py');
    writeFolder(dir, new Map([['data_batch_1', bytes]]));
    for (const f of ['data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
      writeFileSync(path.join(dir, f), readFileSync(path.join(FIXTURES, 'cifar-10-batches-py', f)));
    }
    await expectDataError(loadCifar10(dir), /data_batch_1: label 11 of record 0 is out of range 0–9/);
  });
});

// The real CIFAR-10 (shared with every checkout and CI run: /work/shared/data, i.e. ../shared/data
// from the repository root).
const REAL = path.resolve(FIXTURES, '../../../../shared/data/cifar-10-binary.tar.gz');

describe.skipIf(!existsSync(REAL))(`the real CIFAR-10 archive (${REAL}; skipped only when the file is absent)`, () => {
  it('has 50,000 / 10,000 records, 5,000 / 1,000 per class, and the known per-channel training mean', async () => {
    const data = await loadCifar10(REAL);
    expect(data.train.length).toBe(50_000);
    expect(data.test.length).toBe(10_000);
    expect(data.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    const count = (labels: Uint8Array) => labels.reduce((c, l) => (c[l]!++, c), new Array<number>(10).fill(0));
    expect(count(data.train.labels)).toEqual(new Array(10).fill(5000));
    expect(count(data.test.labels)).toEqual(new Array(10).fill(1000));
    const { mean, std } = channelStats(data.train);
    const expected = [125.3, 123.0, 113.9];
    mean.forEach((m, c) => expect(Math.abs(m - expected[c]!)).toBeLessThanOrEqual(0.1));
    // The commonly quoted std (0.2470, 0.2435, 0.2616) × 255.
    [62.99, 62.09, 66.7].forEach((s, c) => expect(Math.abs(std[c]! - s)).toBeLessThanOrEqual(0.1));
  });
});
