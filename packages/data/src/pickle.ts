// Just enough of Python's pickle format to read the CIFAR-10 python batches: dicts, lists, tuples,
// ints, strings, byte strings, and numpy arrays (numpy's `_reconstruct` + BUILD, `_frombuffer`
// for protocol 5, and the `_codecs.encode` wrapping Python 3 uses for bytes at protocol 2). The
// originals are Python 2 cPickle, protocol 2. Nothing is ever executed: only a fixed list of
// globals is recognised, and anything else is an error.
import { DataFormatError } from './errors.js';

/** A numpy array: dtype as numpy spells it without byte order ('u1', 'i8', …), raw C-order data. */
export interface NdArray {
  kind: 'ndarray';
  shape: number[];
  dtype: string;
  /** '<' little, '>' big, '|' not applicable. */
  byteOrder: string;
  fortranOrder: boolean;
  data: Uint8Array;
}

/** A Python byte string (py2 `str` / py3 `bytes`). */
export interface PyBytes {
  kind: 'bytes';
  data: Uint8Array;
}

interface PyGlobal {
  kind: 'global';
  module: string;
  name: string;
}

interface PyDtype {
  kind: 'dtype';
  dtype: string;
  byteOrder: string;
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyValue[]
  | Map<string, PyValue>
  | NdArray
  | PyBytes
  | PyGlobal
  | PyDtype;

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};
const utf8 = new TextDecoder();

const isObj = <K extends string>(v: unknown, kind: K): v is { kind: K } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && (v as { kind?: string }).kind === kind;

/** Dict keys become strings: py2 byte-string keys ('data', 'labels') read as latin-1. */
function keyOf(v: PyValue, file: string, offset: number): string {
  if (typeof v === 'string') return v;
  if (isObj(v, 'bytes')) return latin1((v as PyBytes).data);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new DataFormatError(file, 'unsupported dict key type in pickle', offset);
}

function toDtype(descr: string, file: string, offset: number): PyDtype {
  const m = /^([<>|=]?)([uifb])(\d+)$/.exec(descr);
  if (!m) throw new DataFormatError(file, `unsupported numpy dtype "${descr}" in pickle`, offset);
  return { kind: 'dtype', dtype: `${m[2]}${m[3]}`, byteOrder: m[1] === '>' ? '>' : m[3] === '1' ? '|' : '<' };
}

/** Unpickles `bytes`. `file` names the source in errors. */
export function unpickle(bytes: Uint8Array, file: string): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let opAt = 0;

  const fail = (problem: string): never => {
    throw new DataFormatError(file, problem, opAt);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail(`truncated pickle: needs ${n} more bytes, ${bytes.length - pos} left`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = Number(view.getBigUint64(pos, true));
    pos += 8;
    return v;
  };
  const take = (n: number): Uint8Array => {
    if (n < 0) fail(`negative length ${n}`);
    need(n);
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('truncated pickle: unterminated GLOBAL line');
    const s = latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!)) fail('pickle stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('pickle stack underflow');
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m == null) fail('pickle MARK missing');
    const items = stack.splice(m!) as PyValue[];
    return items;
  };
  const littleInt = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  const makeGlobal = (module: string, name: string): PyGlobal => {
    const known = new Set([
      'numpy.core.multiarray._reconstruct',
      'numpy._core.multiarray._reconstruct',
      'numpy.ndarray',
      'numpy.dtype',
      'numpy.core.numeric._frombuffer',
      'numpy._core.numeric._frombuffer',
      '_codecs.encode',
    ]);
    if (!known.has(`${module}.${name}`)) {
      fail(`unsupported pickle global ${module}.${name}: only the dicts, lists and numpy uint8 arrays of the CIFAR-10 python batches are read`);
    }
    return { kind: 'global', module, name };
  };

  const reduce = (fn: PyValue, args: PyValue): PyValue => {
    if (!isObj(fn, 'global') || !Array.isArray(args)) return fail('REDUCE on something that is not a known global');
    const { name } = fn as PyGlobal;
    if (name === '_reconstruct') {
      // _reconstruct(ndarray, (0,), b'b') makes an empty array; BUILD fills it in.
      return { kind: 'ndarray', shape: [0], dtype: 'u1', byteOrder: '|', fortranOrder: false, data: new Uint8Array(0) };
    }
    if (name === 'dtype') {
      const descr = args[0];
      if (typeof descr !== 'string' && !isObj(descr, 'bytes')) return fail('numpy.dtype with a non-string descriptor');
      return toDtype(typeof descr === 'string' ? descr : latin1((descr as PyBytes).data), file, opAt);
    }
    if (name === 'encode') {
      // Python 3 writes bytes at protocol 2 as _codecs.encode(<latin-1 text>, 'latin1').
      const [text, enc] = args;
      if (typeof text !== 'string') return fail('_codecs.encode with a non-string argument');
      if (enc !== 'latin1' && enc !== 'latin-1') return fail(`_codecs.encode with encoding ${String(enc)}, expected latin1`);
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
      return { kind: 'bytes', data: out };
    }
    if (name === '_frombuffer') {
      // Protocol 5: _frombuffer(buffer, dtype, shape, order).
      const [buf, dtype, shape, order] = args;
      if (!isObj(buf, 'bytes') || !isObj(dtype, 'dtype') || !Array.isArray(shape)) return fail('numpy _frombuffer with unexpected arguments');
      const d = dtype as PyDtype;
      return { kind: 'ndarray', shape: shape as number[], dtype: d.dtype, byteOrder: d.byteOrder, fortranOrder: order === 'F', data: (buf as PyBytes).data };
    }
    return fail(`cannot call ${fn.module}.${name}`);
  };

  const build = (obj: PyValue, state: PyValue): void => {
    if (isObj(obj, 'dtype')) {
      // State (3, '<', None, None, None, -1, -1, 0): the second item is the byte order.
      const order = Array.isArray(state) ? state[1] : null;
      const o = typeof order === 'string' ? order : isObj(order, 'bytes') ? latin1((order as PyBytes).data) : null;
      if (o === '<' || o === '>' || o === '|') (obj as PyDtype).byteOrder = o;
      return;
    }
    if (!isObj(obj, 'ndarray') || !Array.isArray(state)) {
      fail('BUILD on something that is not a numpy array');
      return;
    }
    const arr = obj as NdArray;
    // numpy's ndarray.__setstate__: (version, shape, dtype, is_fortran, rawdata).
    const [, shape, dtype, fortran, raw] = state.length === 5 ? state : [0, ...state];
    if (!Array.isArray(shape) || !isObj(dtype, 'dtype')) {
      fail('numpy array state without a shape and dtype');
      return;
    }
    let data: Uint8Array;
    if (isObj(raw, 'bytes')) data = (raw as PyBytes).data;
    else if (typeof raw === 'string') {
      data = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
    } else {
      fail('numpy array state whose data is not a byte string (object arrays are not supported)');
      return;
    }
    arr.shape = shape.map(Number);
    arr.dtype = (dtype as PyDtype).dtype;
    arr.byteOrder = (dtype as PyDtype).byteOrder;
    arr.fortranOrder = fortran === true || fortran === 1;
    arr.data = data;
  };

  for (;;) {
    opAt = pos;
    if (pos >= bytes.length) fail('truncated pickle: no STOP opcode');
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol newer than 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail('APPEND to something that is not a list');
        (list as PyValue[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS to something that is not a list');
        for (const v of items) (list as PyValue[]).push(v);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        const d = top();
        if (!(d instanceof Map)) fail('SETITEM on something that is not a dict');
        (d as Map<string, PyValue>).set(keyOf(k, file, opAt), v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = top();
        if (!(d instanceof Map) || items.length % 2) fail('SETITEMS on something that is not a dict');
        for (let i = 0; i < items.length; i += 2) (d as Map<string, PyValue>).set(keyOf(items[i]!, file, opAt), items[i + 1]!);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail(`pickle memo entry ${k} missing`);
        stack.push(memo.get(k)!);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(makeGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without strings');
        stack.push(makeGlobal(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(reduce(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
        stack.push(littleInt(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(littleInt(take(i32())));
        break;
      case 0x47: {
        // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x54: // BINSTRING (py2 str)
        stack.push({ kind: 'bytes', data: take(i32()) });
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push({ kind: 'bytes', data: take(u8()) });
        break;
      case 0x42: // BINBYTES
        stack.push({ kind: 'bytes', data: take(u32()) });
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push({ kind: 'bytes', data: take(u8()) });
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push({ kind: 'bytes', data: take(u64()) });
        break;
      case 0x98: // READONLY_BUFFER: no-op in-band
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x30: // POP
        if (marks.length && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      default:
        fail(
          `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} ('${String.fromCharCode(op)}'): only the binary protocols (1–5) used by the CIFAR-10 python batches are read`,
        );
    }
  }
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
