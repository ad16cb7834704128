// The IDX format of MNIST and Fashion-MNIST: magic 0x00 0x00 <type> <ndims>, then ndims big-endian
// uint32 sizes, then the data. Images are idx3 (N×rows×cols), labels idx1 (N). Files may be gzipped.
import { collect, isGzip, readChunks, sourceName, toUint8Array, type ByteSource } from './byte-source.js';
import { DataFormatError } from './errors.js';
import { gunzip } from './gunzip.js';
import type { LabelledData, Split } from './split.js';

const TYPE_NAMES: Record<number, string> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

export interface IdxArray {
  dims: number[];
  /** The uint8 payload (the only element type MNIST-style data uses). */
  data: Uint8Array;
}

/** Parses an (uncompressed) IDX file of unsigned bytes. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DataFormatError(file, `too short for an IDX header (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFormatError(file, `wrong IDX magic number ${magic}: expected 00 00 08 <ndims> (is it still gzip-compressed, or not an IDX file?)`, 0);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    throw new DataFormatError(file, `IDX element type 0x${type.toString(16)} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported; expected 0x08 (uint8)`, 2);
  }
  const ndims = bytes[3]!;
  if (ndims < 1) throw new DataFormatError(file, 'IDX header declares 0 dimensions', 3);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) throw new DataFormatError(file, `truncated IDX header: ${ndims} dimensions need ${headerSize} bytes, file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerSize !== size) {
    throw new DataFormatError(
      file,
      `IDX dimensions [${dims.join(', ')}] need ${size} data bytes after the ${headerSize}-byte header, file has ${bytes.length - headerSize}${bytes.length - headerSize < size ? ' (truncated)' : ''}`,
      headerSize,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/** Reads a whole IDX file, gunzipping it if it is gzip-compressed. */
export async function readIdx(source: ByteSource): Promise<IdxArray> {
  const name = sourceName(source);
  if (typeof source === 'string') {
    const fs = await import('node:fs/promises');
    await fs.access(source).catch((err: NodeJS.ErrnoException) => {
      throw new DataFormatError(source, err.code === 'ENOENT' ? 'no such file' : `cannot read it (${err.message})`);
    });
  }
  const inMemory = typeof source !== 'string' && !(typeof Blob !== 'undefined' && source instanceof Blob);
  const raw = inMemory ? toUint8Array(source as ArrayBuffer | Uint8Array) : await collect(readChunks(source));
  const bytes = isGzip(raw) ? await collect(gunzip(readChunks(raw), name)) : raw;
  return parseIdx(bytes, name);
}

/** An images file and its labels file. */
export function idxSplit(images: IdxArray, labels: IdxArray, imagesName: string, labelsName: string, numClasses: number): Split {
  if (images.dims.length !== 3) {
    throw new DataFormatError(imagesName, `expected an idx3 images file (N × rows × cols), got ${images.dims.length} dimensions [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) {
    throw new DataFormatError(labelsName, `expected an idx1 labels file (N), got ${labels.dims.length} dimensions [${labels.dims.join(', ')}]`);
  }
  const [n, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) throw new DataFormatError(labelsName, `${labels.dims[0]} labels for the ${n} images of ${imagesName}`);
  for (let i = 0; i < n; i++) {
    if (labels.data[i]! >= numClasses) {
      throw new DataFormatError(labelsName, `label ${labels.data[i]} of record ${i} is out of range 0–${numClasses - 1}`, 8 + i);
    }
  }
  return { images: images.data, labels: labels.data, length: n, shape: [1, rows, cols] };
}

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The four files of an IDX data set. */
export interface IdxSources {
  trainImages: ByteSource;
  trainLabels: ByteSource;
  testImages: ByteSource;
  testLabels: ByteSource;
}

export interface LoadIdxOptions {
  /** Class names in label order; default digits, or Fashion-MNIST's when the folder name says "fashion". */
  classNames?: string[];
}

const IDX_FILES: Record<keyof IdxSources, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** Finds the four standard files (gzipped or not) in a folder. */
async function idxFolder(dir: string): Promise<IdxSources> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const entries = new Set(
    await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
      throw new DataFormatError(dir, err.code === 'ENOENT' ? 'no such folder' : `cannot read it (${err.message})`);
    }),
  );
  const out: Partial<Record<keyof IdxSources, string>> = {};
  const missing: string[] = [];
  for (const [key, base] of Object.entries(IDX_FILES) as [keyof IdxSources, string][]) {
    const found = [`${base}.gz`, base].find((f) => entries.has(f));
    if (found) out[key] = path.join(dir, found);
    else missing.push(`${base}[.gz]`);
  }
  if (missing.length) throw new DataFormatError(dir, `missing ${missing.join(', ')} (an IDX data set folder holds the four MNIST-style files)`);
  return out as IdxSources;
}

/**
 * Loads an IDX image/label data set (MNIST, Fashion-MNIST): a folder holding the four standard
 * files (`train-images-idx3-ubyte[.gz]`, …; Node only) or the four sources given one by one.
 */
export async function loadIdx(source: string | IdxSources, options: LoadIdxOptions = {}): Promise<LabelledData> {
  const files = typeof source === 'string' ? await idxFolder(source) : source;
  const classNames =
    options.classNames ?? (typeof source === 'string' && /fashion/i.test(source) ? [...FASHION_MNIST_CLASS_NAMES] : [...MNIST_CLASS_NAMES]);
  const [trI, trL, teI, teL] = await Promise.all([readIdx(files.trainImages), readIdx(files.trainLabels), readIdx(files.testImages), readIdx(files.testLabels)]);
  const n = (s: ByteSource) => sourceName(s);
  return {
    train: idxSplit(trI, trL, n(files.trainImages), n(files.trainLabels), classNames.length),
    test: idxSplit(teI, teL, n(files.testImages), n(files.testLabels), classNames.length),
    classNames,
  };
}
