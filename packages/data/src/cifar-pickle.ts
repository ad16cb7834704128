// The CIFAR-10 python version: each batch a pickled dict with 'data' (numpy uint8, N×3072, rows
// in the same R, G, B plane order as the binary records) and 'labels' (a list of ints);
// `batches.meta` holds 'label_names'.
import { CIFAR_PIXELS, CIFAR_SHAPE } from './cifar-binary.js';
import { DataFormatError } from './errors.js';
import { bytesToString, dictGet, isBytes, isNdArray, unpickle, type NdArray, type PyValue } from './pickle.js';
import type { Split } from './split.js';

export const CIFAR_PYTHON_TRAIN = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'];
export const CIFAR_PYTHON_TEST = 'test_batch';
export const CIFAR_PYTHON_META = 'batches.meta';

/** Integer values of a numpy integer array (any width, either byte order). */
function ndarrayInts(a: NdArray, file: string): ArrayLike<number> {
  if (a.dtype === 'u1') return a.data;
  const m = /^([ui])(\d)$/.exec(a.dtype);
  if (!m) throw new DataFormatError(file, `"labels" has numpy dtype ${a.dtype}, expected an integer type`);
  const width = Number(m[2]);
  const n = a.data.length / width;
  const view = new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const little = a.byteOrder !== '>';
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * width;
    out[i] =
      width === 1 ? (m[1] === 'i' ? view.getInt8(at) : view.getUint8(at))
      : width === 2 ? (m[1] === 'i' ? view.getInt16(at, little) : view.getUint16(at, little))
      : width === 4 ? (m[1] === 'i' ? view.getInt32(at, little) : view.getUint32(at, little))
      : Number(m[1] === 'i' ? view.getBigInt64(at, little) : view.getBigUint64(at, little));
  }
  return out;
}

/** Reads one pickled batch into a split, checking the array's shape and every label. */
export function parseCifarPickle(bytes: Uint8Array, file: string): Split {
  const dict = unpickle(bytes, file);
  const data = dictGet(dict, 'data', file);
  const labelsValue = dictGet(dict, 'labels', file);
  if (!isNdArray(data)) throw new DataFormatError(file, '"data" is not a numpy array');
  if (data.dtype !== 'u1') throw new DataFormatError(file, `"data" has numpy dtype ${data.dtype}, expected uint8`);
  if (data.shape.length !== 2 || data.shape[1] !== CIFAR_PIXELS) {
    throw new DataFormatError(file, `"data" has shape (${data.shape.join(', ')}), expected (N, 3072)`);
  }
  if (data.fortranOrder) throw new DataFormatError(file, '"data" is in Fortran order; expected C order (rows of 3072)');
  const length = data.shape[0]!;
  if (data.data.length !== length * CIFAR_PIXELS) {
    throw new DataFormatError(file, `"data" holds ${data.data.length} bytes, but its shape (${length}, 3072) needs ${length * CIFAR_PIXELS}`);
  }
  let raw: ArrayLike<PyValue> | ArrayLike<number>;
  if (Array.isArray(labelsValue)) raw = labelsValue;
  else if (isNdArray(labelsValue)) raw = ndarrayInts(labelsValue, file);
  else throw new DataFormatError(file, '"labels" is neither a list nor a numpy array');
  if (raw.length !== length) throw new DataFormatError(file, `${raw.length} labels for ${length} images`);
  const labels = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const v = Number(raw[i]);
    if (!Number.isInteger(v) || v < 0 || v > 9) throw new DataFormatError(file, `label ${String(raw[i])} of record ${i} is out of range 0–9`);
    labels[i] = v;
  }
  // A view into the pickle's bytes: the caller copies it into the assembled split.
  return { images: data.data, labels, length, shape: CIFAR_SHAPE };
}

/** Class names from `batches.meta` ('label_names'). */
export function parseCifarPickleMeta(bytes: Uint8Array, file: string): string[] {
  const names = dictGet(unpickle(bytes, file), 'label_names', file);
  if (!Array.isArray(names) || names.length !== 10) throw new DataFormatError(file, '"label_names" is not a list of 10 names');
  return names.map((n) => (typeof n === 'string' ? n : isBytes(n) ? bytesToString(n) : String(n)));
}
