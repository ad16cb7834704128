import { describe, expect, it } from 'vitest';
import { expectSameShape, expectShape, positiveInt, shapeSize, shapeStr } from './checks.js';

describe('checks', () => {
  it('shapeStr prints shapes as PyTorch-like lists', () => {
    expect(shapeStr([2, 3])).toBe('[2, 3]');
    expect(shapeStr([])).toBe('[]');
  });

  it('shapeSize counts the elements; a scalar has one, an empty axis none', () => {
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([5, 0])).toBe(0);
  });

  it('positiveInt returns the value, or names the op, the argument and the value', () => {
    expect(positiveInt('Linear', 'inFeatures', 4)).toBe(4);
    expect(() => positiveInt('Linear', 'inFeatures', 0)).toThrowError('Linear: inFeatures must be a positive integer, got 0');
    expect(() => positiveInt('MLP', 'nHidden[1]', 2.5)).toThrowError('MLP: nHidden[1] must be a positive integer, got 2.5');
    expect(() => positiveInt('MLP', 'nClasses', Number.NaN)).toThrowError('got NaN');
  });

  it('expectShape accepts any size where the expected axis is null, and prints N, M for them', () => {
    expect(() => expectShape('Linear.forward', 'x', [5, 3], [null, 3])).not.toThrow();
    expect(() => expectShape('Linear.forward', 'x', [5, 4], [null, 3])).toThrowError('Linear.forward: x must have shape [N, 3], got [5, 4]');
    expect(() => expectShape('accuracy', 'scores', [5], [null, null])).toThrowError('accuracy: scores must have shape [N, M], got [5]');
  });

  it('expectSameShape compares rank and every axis', () => {
    expect(() => expectSameShape('CrossEntropy.forward', 'targets', [2, 3], [2, 3])).not.toThrow();
    expect(() => expectSameShape('CrossEntropy.forward', 'targets', [2, 3, 1], [2, 3])).toThrowError('CrossEntropy.forward: targets must have shape [2, 3], got [2, 3, 1]');
    expect(() => expectSameShape('CrossEntropy.forward', 'targets', [3, 2], [2, 3])).toThrowError('got [3, 2]');
  });
});
