// The pickle opcodes the unpickler knows, one small handler each, keyed by opcode byte: the
// binary protocols 1–5 as far as the CIFAR-10 python batches (and numpy arrays) use them.
// Names and semantics are Python's (Lib/pickletools.py documents each).
import { build, makeGlobal, reduce } from './pickle-numpy.js';
import type { PickleReader } from './pickle-reader.js';
import { isObj, latin1, littleInt, utf8, type PyValue } from './pickle-values.js';

export interface Opcode {
  /** Python's name for it (pickletools). */
  name: string;
  run(r: PickleReader): void;
}

/** Dict keys become strings: py2 byte-string keys ('data', 'labels') read as latin-1. */
function keyOf(v: PyValue, r: PickleReader): string {
  if (typeof v === 'string') return v;
  if (isObj(v, 'bytes')) return latin1(v.data);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return r.fail('unsupported dict key type in pickle');
}

function listOnTop(r: PickleReader, op: string): PyValue[] {
  const list = r.top();
  if (!Array.isArray(list)) return r.fail(`${op} to something that is not a list`);
  return list;
}

function dictOnTop(r: PickleReader, op: string): Map<string, PyValue> {
  const d = r.top();
  if (!(d instanceof Map)) return r.fail(`${op} on something that is not a dict`);
  return d;
}

function memoGet(r: PickleReader, key: number): void {
  if (!r.memo.has(key)) r.fail(`pickle memo entry ${key} missing`);
  r.push(r.memo.get(key)!);
}

const bytesOf = (data: Uint8Array): PyValue => ({ kind: 'bytes', data });

const table: Array<[number, string, (r: PickleReader) => void]> = [
  // Framing and control.
  [0x80, 'PROTO', (r) => {
    if (r.u8() > 5) r.fail('pickle protocol newer than 5');
  }],
  [0x95, 'FRAME', (r) => void r.u64()],
  [0x2e, 'STOP', (r) => {
    r.result = { value: r.pop() };
  }],
  [0x28, 'MARK', (r) => r.mark()],
  [0x30, 'POP', (r) => {
    if (r.marks.length && r.stack.length === r.marks[r.marks.length - 1]) r.marks.pop();
    else r.pop();
  }],
  // Containers.
  [0x7d, 'EMPTY_DICT', (r) => r.push(new Map())],
  [0x5d, 'EMPTY_LIST', (r) => r.push([])],
  [0x29, 'EMPTY_TUPLE', (r) => r.push([])],
  [0x74, 'TUPLE', (r) => r.push(r.popMark())],
  [0x85, 'TUPLE1', (r) => r.push([r.pop()])],
  [0x86, 'TUPLE2', (r) => {
    const b = r.pop();
    r.push([r.pop(), b]);
  }],
  [0x87, 'TUPLE3', (r) => {
    const c = r.pop();
    const b = r.pop();
    r.push([r.pop(), b, c]);
  }],
  [0x61, 'APPEND', (r) => {
    const v = r.pop();
    listOnTop(r, 'APPEND').push(v);
  }],
  [0x65, 'APPENDS', (r) => {
    const items = r.popMark();
    listOnTop(r, 'APPENDS').push(...items);
  }],
  [0x73, 'SETITEM', (r) => {
    const v = r.pop();
    const k = r.pop();
    dictOnTop(r, 'SETITEM').set(keyOf(k, r), v);
  }],
  [0x75, 'SETITEMS', (r) => {
    const items = r.popMark();
    const d = r.top();
    if (!(d instanceof Map) || items.length % 2) r.fail('SETITEMS on something that is not a dict');
    for (let i = 0; i < items.length; i += 2) (d as Map<string, PyValue>).set(keyOf(items[i]!, r), items[i + 1]!);
  }],
  // The memo.
  [0x71, 'BINPUT', (r) => void r.memo.set(r.u8(), r.top())],
  [0x72, 'LONG_BINPUT', (r) => void r.memo.set(r.u32(), r.top())],
  [0x94, 'MEMOIZE', (r) => void r.memo.set(r.memo.size, r.top())],
  [0x68, 'BINGET', (r) => memoGet(r, r.u8())],
  [0x6a, 'LONG_BINGET', (r) => memoGet(r, r.u32())],
  // Globals and objects (pickle-numpy.ts).
  [0x63, 'GLOBAL', (r) => {
    const module = r.line();
    r.push(makeGlobal(module, r.line(), (p) => r.fail(p)));
  }],
  [0x93, 'STACK_GLOBAL', (r) => {
    const name = r.pop();
    const module = r.pop();
    if (typeof module !== 'string' || typeof name !== 'string') return r.fail('STACK_GLOBAL without strings');
    r.push(makeGlobal(module, name, (p) => r.fail(p)));
  }],
  [0x52, 'REDUCE', (r) => {
    const args = r.pop();
    r.push(reduce(r.pop(), args, (p) => r.fail(p)));
  }],
  [0x62, 'BUILD', (r) => {
    const state = r.pop();
    build(r.top(), state, (p) => r.fail(p));
  }],
  // Constants and numbers.
  [0x4e, 'NONE', (r) => r.push(null)],
  [0x88, 'NEWTRUE', (r) => r.push(true)],
  [0x89, 'NEWFALSE', (r) => r.push(false)],
  [0x4b, 'BININT1', (r) => r.push(r.u8())],
  [0x4d, 'BININT2', (r) => r.push(r.u16())],
  [0x4a, 'BININT', (r) => r.push(r.i32())],
  [0x8a, 'LONG1', (r) => r.push(littleInt(r.take(r.u8())))],
  [0x8b, 'LONG4', (r) => r.push(littleInt(r.take(r.i32())))],
  [0x47, 'BINFLOAT', (r) => r.push(r.f64BigEndian())],
  // Byte strings (py2 str is BINSTRING / SHORT_BINSTRING) and text.
  [0x54, 'BINSTRING', (r) => r.push(bytesOf(r.take(r.i32())))],
  [0x55, 'SHORT_BINSTRING', (r) => r.push(bytesOf(r.take(r.u8())))],
  [0x42, 'BINBYTES', (r) => r.push(bytesOf(r.take(r.u32())))],
  [0x43, 'SHORT_BINBYTES', (r) => r.push(bytesOf(r.take(r.u8())))],
  [0x8e, 'BINBYTES8', (r) => r.push(bytesOf(r.take(r.u64())))],
  [0x96, 'BYTEARRAY8', (r) => r.push(bytesOf(r.take(r.u64())))],
  [0x98, 'READONLY_BUFFER', () => {}], // a no-op for in-band buffers
  [0x58, 'BINUNICODE', (r) => r.push(utf8.decode(r.take(r.u32())))],
  [0x8c, 'SHORT_BINUNICODE', (r) => r.push(utf8.decode(r.take(r.u8())))],
  [0x8d, 'BINUNICODE8', (r) => r.push(utf8.decode(r.take(r.u64())))],
];

export const OPCODES: ReadonlyMap<number, Opcode> = new Map(table.map(([code, name, run]) => [code, { name, run }]));
