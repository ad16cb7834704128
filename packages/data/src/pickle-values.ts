// What an unpickled CIFAR-10 file is made of: Python values as JavaScript ones, and the few
// conversions between Python text and bytes the opcodes and the numpy globals share.

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

/** One of the recognised globals (pickle-numpy.ts), to be called by REDUCE. */
export interface PyGlobal {
  kind: 'global';
  module: string;
  name: string;
}

export interface PyDtype {
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

export const utf8 = new TextDecoder();

/** Bytes as latin-1 text: one character per byte, as Python 2 strings are. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/** Latin-1 text back to its bytes (Python 3 writes py2 byte strings as such text). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Text from a Python str or a byte string (read as latin-1), else null. */
export const textOf = (v: PyValue | undefined): string | null => (typeof v === 'string' ? v : isObj(v, 'bytes') ? latin1(v.data) : null);

export const isObj = <K extends 'ndarray' | 'bytes' | 'global' | 'dtype'>(v: unknown, kind: K): v is Extract<PyValue, { kind: K }> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && (v as { kind?: string }).kind === kind;

/** A little-endian two's-complement integer (LONG1, LONG4), as a number when it is safe, else a bigint. */
export function littleInt(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
