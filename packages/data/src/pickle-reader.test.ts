import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.js';
import { PickleReader } from './pickle-reader.js';

const reader = (...bytes: number[]) => new PickleReader(Uint8Array.from(bytes), 'r.pkl');

describe('PickleReader', () => {
  it('reads little-endian numbers, and BINFLOAT big-endian', () => {
    const r = reader(0x01, 0x02, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0);
    expect([r.u8(), r.u16(), r.i32(), r.f64BigEndian()]).toEqual([1, 0x0102, -2, 1.5]);
    expect(r.pos).toBe(15);
  });

  it('a read past the end names the file, the bytes missing and the opcode offset', () => {
    const r = reader(0x4a, 0x01);
    expect(r.opcode()).toBe(0x4a);
    expect(() => r.i32()).toThrowError(new DataFormatError('r.pkl', 'truncated pickle: needs 4 more bytes, 1 left', 0));
    expect(() => r.opcode()).not.toThrow();
    expect(() => r.opcode()).toThrowError('r.pkl: truncated pickle: no STOP opcode (at byte offset 2)');
  });

  it('pop never reaches below the innermost MARK; popMark returns what came after it', () => {
    const r = reader();
    r.push(1);
    r.mark();
    r.push(2);
    r.push(3);
    expect(r.pop()).toBe(3);
    expect(r.popMark()).toEqual([2]);
    r.mark();
    expect(() => r.pop()).toThrowError('pickle stack underflow');
    r.marks.length = 0;
    expect(() => r.popMark()).toThrowError('pickle MARK missing');
  });

  it('take is a view of the next bytes; line reads up to a newline', () => {
    const r = reader(0x61, 0x62, 0x0a, 0x63);
    expect(r.line()).toBe('ab');
    expect(Array.from(r.take(1))).toEqual([0x63]);
    expect(() => r.take(-1)).toThrowError('negative length -1');
    expect(() => reader(0x61).line()).toThrowError('unterminated GLOBAL line');
  });
});
