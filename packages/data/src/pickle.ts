// Just enough of Python's pickle format to read the CIFAR-10 python batches: dicts, lists, tuples,
// ints, strings, byte strings, and numpy arrays (numpy's `_reconstruct` + BUILD, `_frombuffer`
// for protocol 5, and the `_codecs.encode` wrapping Python 3 uses for bytes at protocol 2). The
// originals are Python 2 cPickle, protocol 2. Nothing is ever executed: only a fixed list of
// globals is recognised, and anything else is an error.
import { DataFormatError } from './errors.js';
import { OPCODES } from './pickle-opcodes.js';
import { PickleReader } from './pickle-reader.js';
import { isObj, utf8, type NdArray, type PyBytes, type PyValue } from './pickle-values.js';

export type { NdArray, PyBytes, PyValue } from './pickle-values.js';

/** Unpickles `bytes`. `file` names the source in errors, which also give the byte offset. */
export function unpickle(bytes: Uint8Array, file: string): PyValue {
  const r = new PickleReader(bytes, file);
  while (r.result == null) {
    const op = r.opcode();
    const opcode = OPCODES.get(op);
    if (opcode == null) {
      return r.fail(
        `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} ('${String.fromCharCode(op)}'): only the binary protocols (1–5) used by the CIFAR-10 python batches are read`,
      );
    }
    opcode.run(r);
  }
  return r.result.value;
}

/** Looks up a key of an unpickled dict, with a clear error if it is missing. */
export function dictGet(d: PyValue, key: string, file: string): PyValue {
  if (!(d instanceof Map)) throw new DataFormatError(file, 'expected the pickle to hold a dict');
  if (!d.has(key)) throw new DataFormatError(file, `the pickled dict has no "${key}" entry (keys: ${[...d.keys()].join(', ')})`);
  return d.get(key)!;
}

export const isNdArray = (v: PyValue): v is NdArray => isObj(v, 'ndarray');
export const isBytes = (v: PyValue): v is PyBytes => isObj(v, 'bytes');
export const bytesToString = (b: PyBytes): string => utf8.decode(b.data);
