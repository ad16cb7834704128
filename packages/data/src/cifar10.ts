// loadCifar10: the same { train, test, classNames } from every form the data comes in — the
// binary or python archive (path, ArrayBuffer, Uint8Array, Blob/File) or either extracted folder.
// Batches stream straight into the final arrays: no file is held whole (pickles excepted).
import { baseName, readArchive } from './archive.js';
import { readChunks, sourceName, withProgress, type ByteSource, type ReadProgress } from './byte-source.js';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR_BINARY_META,
  CIFAR_BINARY_TEST,
  CIFAR_BINARY_TRAIN,
  CIFAR_SHAPE,
  CifarRecordWriter,
  cifarRecordCount,
  parseCifarMeta,
} from './cifar-binary.js';
import { CIFAR_PYTHON_META, CIFAR_PYTHON_TEST, CIFAR_PYTHON_TRAIN, parseCifarPickle, parseCifarPickleMeta } from './cifar-pickle.js';
import { DataFormatError } from './errors.js';
import type { LabelledData } from './split.js';
import { SplitAssembler } from './split-assembler.js';
import { bufferSink, type MemberSink } from './tar-reader.js';

/** The two layouts of CIFAR-10 and how to read each file of them. */
interface Cifar10Format {
  kind: 'binary' | 'python';
  train: readonly string[];
  test: string;
  meta: string;
  folder: string;
  /** A sink for one batch file of `size` bytes that places it as file `index` of `into`. */
  batchSink: (size: number, file: string, into: SplitAssembler, index: number) => MemberSink;
  parseMeta: (bytes: Uint8Array, file: string) => string[];
}

const CIFAR10_FORMATS: readonly Cifar10Format[] = [
  {
    kind: 'binary',
    train: CIFAR_BINARY_TRAIN,
    test: CIFAR_BINARY_TEST,
    meta: CIFAR_BINARY_META,
    folder: 'cifar-10-batches-bin',
    batchSink: (size, file, into, index) => {
      const t = into.target(index, cifarRecordCount(size, file));
      return new CifarRecordWriter(t.images, t.labels, t.first, file, size);
    },
    parseMeta: parseCifarMeta,
  },
  {
    kind: 'python',
    train: CIFAR_PYTHON_TRAIN,
    test: CIFAR_PYTHON_TEST,
    meta: CIFAR_PYTHON_META,
    folder: 'cifar-10-batches-py',
    batchSink: (size, file, into, index) => bufferSink(size, (data) => into.put(index, parseCifarPickle(data, file))),
    parseMeta: parseCifarPickleMeta,
  },
];

/** Collects one format's files into train and test. */
class Cifar10Reader {
  readonly train = new SplitAssembler(5, CIFAR_SHAPE);
  readonly test = new SplitAssembler(1, CIFAR_SHAPE);
  classNames: string[] | undefined;
  constructor(readonly format: Cifar10Format) {}

  /** A sink for the file called `base`, or null if it is not one of this format's. */
  sinkFor(base: string, size: number, label: string): MemberSink | null {
    const f = this.format;
    const k = f.train.indexOf(base);
    if (k >= 0) return f.batchSink(size, label, this.train, k);
    if (base === f.test) return f.batchSink(size, label, this.test, 0);
    if (base === f.meta) return bufferSink(size, (data) => (this.classNames = f.parseMeta(data, label)));
    return null;
  }

  get started(): boolean {
    return this.test.has(0) || this.format.train.some((_, k) => this.train.has(k));
  }

  finish(where: string, hint: string, checkRecordCounts = false): LabelledData {
    const f = this.format;
    const missing = [...f.train.filter((_, k) => !this.train.has(k)), ...(this.test.has(0) ? [] : [f.test])];
    if (missing.length) {
      throw new DataFormatError(where, `missing ${missing.join(', ')} (the ${f.kind} version of CIFAR-10 has ${f.train.join(', ')} and ${f.test})${hint}`);
    }
    if (checkRecordCounts) this.checkRecordCounts(where);
    return { train: this.train.finish(), test: this.test.finish(), classNames: this.classNames ?? [...CIFAR10_CLASS_NAMES] };
  }

  /**
   * A batch file cut at a record boundary is a whole number of records and reads without error,
   * so the counts are compared: CIFAR-10's five training files always hold the same number of
   * records (10,000 in the official data), and in the official data the test file holds as many.
   * A copy with other, equal counts (a hand-made subset) passes.
   */
  private checkRecordCounts(where: string): void {
    const f = this.format;
    const counts = f.train.map((_, k) => this.train.records(k) ?? 0);
    const test = this.test.records(0) ?? 0;
    const official = CIFAR10_FILE_RECORDS;
    const majority = counts.includes(official) ? official : mostCommon(counts);
    const odd = f.train.map((name, k) => [name, counts[k]!] as const).filter(([, n]) => n !== majority);
    if (odd.length > 0) {
      throw new DataFormatError(
        where,
        `${odd.map(([name, n]) => `${name} holds ${n} records`).join(', ')}, the other training files ${majority} each (CIFAR-10's training files are all the same size: truncated at a record boundary?); 'backprop data verify' checks a copy`,
      );
    }
    if (majority === official && test !== official) {
      throw new DataFormatError(
        where,
        `${f.test} holds ${test} records, expected ${official} as in the official data (truncated at a record boundary?); 'backprop data verify' checks a copy`,
      );
    }
  }
}

/** Records in each file of the official CIFAR-10 (five training files and the test file). */
export const CIFAR10_FILE_RECORDS = 10000;

function mostCommon(values: readonly number[]): number {
  const count = new Map<number, number>();
  for (const v of values) count.set(v, (count.get(v) ?? 0) + 1);
  return [...count].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
}

export interface LoadCifar10Options {
  /**
   * Called as the input is read: bytes of the archive (compressed) or of the folder's files so
   * far, and the total when known. For a progress bar; the CLI and web app draw it.
   */
  onProgress?: (p: ReadProgress) => void;
  /**
   * Refuse files whose record counts do not fit CIFAR-10 (a training file shorter than the others,
   * or a short test file in the official data): what a training run wants; `data verify` reports
   * counts instead.
   */
  checkRecordCounts?: boolean;
}

async function loadFromArchive(source: ByteSource, options: LoadCifar10Options): Promise<LabelledData> {
  const archive = sourceName(source);
  const readers = CIFAR10_FORMATS.map((f) => new Cifar10Reader(f));
  const { members, complete } = await readArchive(source, (m) => {
    for (const r of readers) {
      const sink = r.sinkFor(baseName(m.name), m.size, `${archive}:${m.name}`);
      if (sink) return sink;
    }
    return null;
  }, options.onProgress);
  const reader = readers.find((r) => r.started);
  if (!reader) {
    const listing = members.slice(0, 8).map((m) => m.name);
    throw new DataFormatError(
      archive,
      `no CIFAR-10 batch files in the archive (expected cifar-10-batches-bin/data_batch_1.bin … or cifar-10-batches-py/data_batch_1 …; found ${listing.length ? listing.join(', ') : 'no members'}${members.length > 8 ? ', …' : ''})`,
    );
  }
  return reader.finish(archive, complete ? '' : '; the archive ends without its end-of-archive marker, so it is probably truncated', options.checkRecordCounts);
}

async function loadFromFolder(dir: string, format: Cifar10Format, options: LoadCifar10Options): Promise<LabelledData> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const reader = new Cifar10Reader(format);
  const files: { name: string; full: string; size: number }[] = [];
  for (const name of [...format.train, format.test, format.meta]) {
    const full = path.join(dir, name);
    const stat = await fs.stat(full).catch(() => null);
    if (stat) files.push({ name, full, size: stat.size }); // missing batches are reported together by finish()
  }
  const total = files.reduce((a, f) => a + f.size, 0);
  let done = 0;
  for (const { name, full, size } of files) {
    const sink = reader.sinkFor(name, size, full)!;
    try {
      const chunks = options.onProgress ? withProgress(readChunks(full), total, options.onProgress, done) : readChunks(full);
      for await (const chunk of chunks) sink.write(chunk);
      done += size;
    } catch (err) {
      if (err instanceof DataFormatError) throw err;
      throw new DataFormatError(full, `cannot read the file (${(err as Error).message})`);
    }
    sink.end();
  }
  return reader.finish(dir, '', options.checkRecordCounts);
}

/** Finds what a path holds: an archive file, a batches folder, or a folder holding either. */
async function loadFromPath(p: string, options: LoadCifar10Options): Promise<LabelledData> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const stat = await fs.stat(p).catch((err: NodeJS.ErrnoException) => {
    throw new DataFormatError(
      p,
      err.code === 'ENOENT'
        ? 'no such file or folder (pass cifar-10-binary.tar.gz, cifar-10-python.tar.gz, or an extracted cifar-10-batches-bin/ or cifar-10-batches-py/ folder)'
        : `cannot read it (${err.message})`,
    );
  });
  if (!stat.isDirectory()) return loadFromArchive(p, options);
  const entries = new Set(await fs.readdir(p));
  for (const format of CIFAR10_FORMATS) {
    if ([...format.train, format.test].some((f) => entries.has(f))) return loadFromFolder(p, format, options);
  }
  for (const format of CIFAR10_FORMATS) {
    if (entries.has(format.folder)) return loadFromFolder(path.join(p, format.folder), format, options);
  }
  for (const archive of ['cifar-10-binary.tar.gz', 'cifar-10-python.tar.gz']) {
    if (entries.has(archive)) return loadFromArchive(path.join(p, archive), options);
  }
  throw new DataFormatError(
    p,
    'this folder holds no CIFAR-10 data (expected data_batch_1.bin … test_batch.bin, data_batch_1 … test_batch, a cifar-10-batches-bin/ or cifar-10-batches-py/ folder, or cifar-10-binary.tar.gz)',
  );
}

/**
 * Loads CIFAR-10 from the official binary or python archive (`.tar.gz` or `.tar`) given as a path,
 * ArrayBuffer, Uint8Array or Blob/File, or from an extracted `cifar-10-batches-bin/` or
 * `cifar-10-batches-py/` folder (paths need Node). Archives are streamed: gunzip and untar on the
 * fly, each batch written into the final arrays as it arrives. Every form gives the same result;
 * the training batches are concatenated in file order (data_batch_1 … 5) whatever the archive's order.
 */
export async function loadCifar10(source: ByteSource, options: LoadCifar10Options = {}): Promise<LabelledData> {
  if (typeof source === 'string') return loadFromPath(source, options);
  return loadFromArchive(source, options);
}
