import { describe, expect, it } from 'vitest';
import { latin1, latin1Bytes, littleInt, textOf } from './pickle-values.js';

describe('pickle values', () => {
  it('latin-1 text and bytes convert both ways, one character per byte', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1Bytes(latin1(all))).toEqual(all);
    expect(textOf({ kind: 'bytes', data: Uint8Array.of(0x68, 0x69) })).toBe('hi');
    expect(textOf(3)).toBeNull();
  });

  it('littleInt reads two’s complement, a bigint only past the safe range', () => {
    expect(littleInt(new Uint8Array(0))).toBe(0);
    expect(littleInt(Uint8Array.of(0xff))).toBe(-1);
    expect(littleInt(Uint8Array.of(0x2c, 0x01))).toBe(300);
    expect(littleInt(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0x40))).toBe(2n ** 70n);
  });
});
