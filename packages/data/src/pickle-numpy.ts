// The only globals an unpickle may name, and what calling them (REDUCE) and setting their state
// (BUILD) does: numpy arrays and dtypes, and the `_codecs.encode` Python 3 wraps bytes in at
// protocol 2. Nothing is ever executed; any other global is an error.
import { isObj, latin1Bytes, textOf, type NdArray, type PyDtype, type PyGlobal, type PyValue } from './pickle-values.js';

/** Throws a DataFormatError naming the file and the opcode's byte offset (PickleReader.fail). */
type Fail = (problem: string) => never;

const KNOWN_GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  '_codecs.encode',
]);

/** GLOBAL / STACK_GLOBAL: a reference to one of the known globals. */
export function makeGlobal(module: string, name: string, fail: Fail): PyGlobal {
  if (!KNOWN_GLOBALS.has(`${module}.${name}`)) {
    fail(`unsupported pickle global ${module}.${name}: only the dicts, lists and numpy uint8 arrays of the CIFAR-10 python batches are read`);
  }
  return { kind: 'global', module, name };
}

function toDtype(descr: string, fail: Fail): PyDtype {
  const m = /^([<>|=]?)([uifb])(\d+)$/.exec(descr);
  if (!m) return fail(`unsupported numpy dtype "${descr}" in pickle`);
  return { kind: 'dtype', dtype: `${m[2]}${m[3]}`, byteOrder: m[1] === '>' ? '>' : m[3] === '1' ? '|' : '<' };
}

/** REDUCE: calls a known global on its argument tuple. */
export function reduce(fn: PyValue, args: PyValue, fail: Fail): PyValue {
  if (!isObj(fn, 'global') || !Array.isArray(args)) return fail('REDUCE on something that is not a known global');
  switch (fn.name) {
    case '_reconstruct':
      // _reconstruct(ndarray, (0,), b'b') makes an empty array; BUILD fills it in.
      return { kind: 'ndarray', shape: [0], dtype: 'u1', byteOrder: '|', fortranOrder: false, data: new Uint8Array(0) };
    case 'dtype': {
      const descr = textOf(args[0]);
      if (descr == null) return fail('numpy.dtype with a non-string descriptor');
      return toDtype(descr, fail);
    }
    case 'encode': {
      // Python 3 writes bytes at protocol 2 as _codecs.encode(<latin-1 text>, 'latin1').
      const [text, enc] = args;
      if (typeof text !== 'string') return fail('_codecs.encode with a non-string argument');
      if (enc !== 'latin1' && enc !== 'latin-1') return fail(`_codecs.encode with encoding ${String(enc)}, expected latin1`);
      return { kind: 'bytes', data: latin1Bytes(text) };
    }
    case '_frombuffer': {
      // Protocol 5: _frombuffer(buffer, dtype, shape, order).
      const [buf, dtype, shape, order] = args;
      if (!isObj(buf, 'bytes') || !isObj(dtype, 'dtype') || !Array.isArray(shape)) return fail('numpy _frombuffer with unexpected arguments');
      return { kind: 'ndarray', shape: shape as number[], dtype: dtype.dtype, byteOrder: dtype.byteOrder, fortranOrder: order === 'F', data: buf.data };
    }
    default:
      return fail(`cannot call ${fn.module}.${fn.name}`);
  }
}

/** BUILD: sets a dtype's byte order, or fills in an array made by `_reconstruct`. */
export function build(obj: PyValue, state: PyValue, fail: Fail): void {
  if (isObj(obj, 'dtype')) {
    // State (3, '<', None, None, None, -1, -1, 0): the second item is the byte order.
    const order = textOf(Array.isArray(state) ? state[1] : null);
    if (order === '<' || order === '>' || order === '|') obj.byteOrder = order;
    return;
  }
  if (!isObj(obj, 'ndarray') || !Array.isArray(state)) return fail('BUILD on something that is not a numpy array');
  setArrayState(obj, state, fail);
}

/** numpy's ndarray.__setstate__: (version, shape, dtype, is_fortran, rawdata), version optional. */
function setArrayState(arr: NdArray, state: PyValue[], fail: Fail): void {
  const [, shape, dtype, fortran, raw] = state.length === 5 ? state : [0, ...state];
  if (!Array.isArray(shape) || !isObj(dtype, 'dtype')) return fail('numpy array state without a shape and dtype');
  const data = isObj(raw, 'bytes') ? raw.data : typeof raw === 'string' ? latin1Bytes(raw) : null;
  if (data == null) return fail('numpy array state whose data is not a byte string (object arrays are not supported)');
  arr.shape = shape.map(Number);
  arr.dtype = dtype.dtype;
  arr.byteOrder = dtype.byteOrder;
  arr.fortranOrder = fortran === true || fortran === 1;
  arr.data = data;
}
