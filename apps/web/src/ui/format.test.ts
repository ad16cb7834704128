import { describe, expect, it } from 'vitest';
import { formatDuration, formatEta, formatSpeed } from './format.js';

describe('format', () => {
  it('writes s/step for slow steps and steps/s for fast ones, never 0.00 steps/s', () => {
    expect(formatSpeed(2310)).toBe('2.31 s/step');
    expect(formatSpeed(52.5)).toBe('19.0 steps/s');
    expect(formatSpeed(5)).toBe('200 steps/s');
    expect(formatSpeed(null)).toBe('—');
    expect(formatSpeed(0)).toBe('—');
  });

  it('writes durations and an ETA that owns up to missing evaluation time', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(247_000)).toBe('4 min 07 s');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(formatEta(60_000, true)).toBe('1 min 00 s');
    expect(formatEta(60_000, false)).toBe('1 min 00 s + evaluations');
    expect(formatEta(null, true)).toBe('—');
  });
});
