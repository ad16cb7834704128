// Test helper: the synthetic CIFAR-10 records of fixtures/make-fixtures.py, recomputed, and
// binary-version archives and folders built from them.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CIFAR10_CLASS_NAMES } from '../cifar-binary.js';
import type { LabelledData, Split } from '../split.js';
import { gzip, makeTar, type TarInput } from './tar-writer.js';

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures');

/** Records first … first + count − 1 of the fixture formula. */
export function fixtureSplit(first: number, count: number): Split {
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    labels[r] = (i * 3 + 1) % 10;
    for (let p = 0; p < 3072; p++) images[r * 3072 + p] = (i * 31 + p * 7 + Math.floor(p / 1024) * 50) % 256;
  }
  return { images, labels, length: count, shape: [3, 32, 32] };
}

/** What loading a fixture with these training file sizes and test size must give. */
export function expectedData(trainCounts: readonly number[], testCount: number): LabelledData {
  return {
    train: fixtureSplit(0, trainCounts.reduce((a, b) => a + b, 0)),
    test: fixtureSplit(0, testCount),
    classNames: [...CIFAR10_CLASS_NAMES],
  };
}

/** The committed python fixtures' sizes (make-fixtures.py TRAIN_COUNTS, TEST_COUNT). */
export const PY_TRAIN_COUNTS = [3, 2, 3, 3, 3];
export const PY_TEST_COUNT = 4;

/** Binary-version file contents: label byte + 3072 pixels per record. */
export function binaryBatch(split: Split): Uint8Array {
  const out = new Uint8Array(split.length * 3073);
  for (let r = 0; r < split.length; r++) {
    out[r * 3073] = split.labels[r]!;
    out.set(split.images.subarray(r * 3072, (r + 1) * 3072), r * 3073 + 1);
  }
  return out;
}

/** The files of a binary-version data set: name → bytes. */
export function binaryFiles(trainCounts: readonly number[] = [2, 2, 2, 2, 2], testCount = 3): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let first = 0;
  trainCounts.forEach((count, k) => {
    files.set(`data_batch_${k + 1}.bin`, binaryBatch(fixtureSplit(first, count)));
    first += count;
  });
  files.set('test_batch.bin', binaryBatch(fixtureSplit(0, testCount)));
  files.set('batches.meta.txt', new TextEncoder().encode(`${CIFAR10_CLASS_NAMES.join('\n')}\n\n`));
  return files;
}

/** A binary-version tar (members in the given order, default a shuffled one), gzipped unless `raw`. */
export function binaryArchive(files: Map<string, Uint8Array>, options: { raw?: boolean; order?: string[] } = {}): Uint8Array {
  const order = options.order ?? ['data_batch_3.bin', 'test_batch.bin', 'data_batch_5.bin', 'batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_4.bin'];
  const entries: TarInput[] = [{ name: 'cifar-10-batches-bin/' }];
  for (const name of order) {
    const data = files.get(name);
    if (data) entries.push({ name: `cifar-10-batches-bin/${name}`, data });
  }
  for (const [name, data] of files) if (!order.includes(name)) entries.push({ name: `cifar-10-batches-bin/${name}`, data });
  const tar = makeTar(entries);
  return options.raw ? tar : gzip(tar);
}

/** Writes files into `dir` (created). */
export function writeFolder(dir: string, files: Map<string, Uint8Array>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(path.join(dir, name), data);
  return dir;
}
