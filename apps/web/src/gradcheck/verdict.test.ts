import { describe, expect, it } from 'vitest';
import { verdict } from './verdict.js';

describe('the gradient-check verdict', () => {
  it('is green only when no row fails', () => {
    expect(verdict(60, 0, '(seed 42, 3.1 s)')).toEqual({ text: '60 of 60 checks pass (seed 42, 3.1 s)', failing: false });
  });

  it('turns red and leads with the failures as soon as one row fails', () => {
    expect(verdict(60, 2, '(seed 1, 3.0 s)')).toEqual({ text: '✗ 2 of 60 checks FAIL — 58 pass (seed 1, 3.0 s)', failing: true });
    expect(verdict(5, 1, 'so far …').failing).toBe(true);
  });
});
