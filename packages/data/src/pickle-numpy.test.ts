import { describe, expect, it } from 'vitest';
import { build, makeGlobal, reduce } from './pickle-numpy.js';
import type { NdArray, PyValue } from './pickle-values.js';

const fail = (problem: string): never => {
  throw new Error(problem);
};
const bytes = (...b: number[]): PyValue => ({ kind: 'bytes', data: Uint8Array.from(b) });

describe('the numpy globals', () => {
  it('knows only its fixed list of globals', () => {
    expect(makeGlobal('numpy', 'dtype', fail)).toEqual({ kind: 'global', module: 'numpy', name: 'dtype' });
    expect(() => makeGlobal('builtins', 'eval', fail)).toThrowError('unsupported pickle global builtins.eval');
  });

  it('numpy.dtype reads the descriptor, with the byte order it implies', () => {
    const dtype = makeGlobal('numpy', 'dtype', fail);
    expect(reduce(dtype, ['u1', false, true], fail)).toEqual({ kind: 'dtype', dtype: 'u1', byteOrder: '|' });
    expect(reduce(dtype, ['>i8'], fail)).toEqual({ kind: 'dtype', dtype: 'i8', byteOrder: '>' });
    expect(() => reduce(dtype, ['O8'], fail)).toThrowError('unsupported numpy dtype "O8" in pickle');
  });

  it('_codecs.encode turns latin-1 text back into bytes', () => {
    expect(reduce(makeGlobal('_codecs', 'encode', fail), ['\u00ff\u0001', 'latin1'], fail)).toEqual(bytes(0xff, 1));
    expect(() => reduce(makeGlobal('_codecs', 'encode', fail), ['x', 'utf8'], fail)).toThrowError('encoding utf8, expected latin1');
  });

  it('BUILD fills an array made by _reconstruct from its state', () => {
    const arr = reduce(makeGlobal('numpy.core.multiarray', '_reconstruct', fail), [], fail) as NdArray;
    const dtype = reduce(makeGlobal('numpy', 'dtype', fail), ['<i2'], fail);
    build(arr, [1, [2], dtype, false, bytes(1, 0, 2, 0)], fail);
    expect(arr).toMatchObject({ shape: [2], dtype: 'i2', byteOrder: '<', fortranOrder: false });
    expect(Array.from(arr.data)).toEqual([1, 0, 2, 0]);
    expect(() => build(arr, [1, [2], 'no dtype', false, bytes()], fail)).toThrowError('numpy array state without a shape and dtype');
    expect(() => build([], [], fail)).toThrowError('BUILD on something that is not a numpy array');
  });
});
