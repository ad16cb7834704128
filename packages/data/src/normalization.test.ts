import { Rng } from '@backprop/tensor';
import { describe, expect, it } from 'vitest';
import { channelStats, fitNormalization, meanImage } from './normalization.js';
import type { Split } from './split.js';

function randomSplit(n: number, shape: [number, number, number], seed: number, byteOffset = 0): Split {
  const size = shape[0] * shape[1] * shape[2];
  const rng = new Rng(seed);
  const buf = new Uint8Array(byteOffset + n * size);
  for (let i = 0; i < buf.length; i++) buf[i] = rng.int(256);
  return { images: buf.subarray(byteOffset), labels: new Uint8Array(n), length: n, shape };
}

function naiveMean(s: Split, indices?: number[]): Float64Array {
  const size = s.images.length / s.length;
  const idx = indices ?? [...Array(s.length).keys()];
  const out = new Float64Array(size);
  for (const i of idx) for (let p = 0; p < size; p++) out[p]! += s.images[i * size + p]!;
  return out.map((v) => v / idx.length);
}

describe('normalization statistics', () => {
  it('meanImage is exact, across the 257-record lane flush, on aligned and unaligned buffers, and on subsets', () => {
    for (const [n, offset] of [
      [600, 0],
      [600, 1],
      [1, 0],
    ] as const) {
      const s = randomSplit(n, [3, 4, 4], 7 + n + offset, offset);
      const got = meanImage(s);
      const want = naiveMean(s);
      for (let p = 0; p < want.length; p++) expect(Math.abs(got[p]! - want[p]!)).toBeLessThan(1e-4);
    }
    // All 255: the worst case for the 16-bit lanes.
    const full: Split = { images: new Uint8Array(1000 * 48).fill(255), labels: new Uint8Array(1000), length: 1000, shape: [3, 4, 4] };
    expect(meanImage(full).every((v) => v === 255)).toBe(true);
    const s = randomSplit(300, [1, 2, 2], 3);
    const subset = [5, 9, 299, 0, 5];
    const got = meanImage(s, subset);
    naiveMean(s, subset).forEach((v, p) => expect(got[p]).toBeCloseTo(v, 4));
  });

  it('channelStats gives each channel’s mean and population std', () => {
    const s = randomSplit(50, [3, 5, 5], 11);
    const { mean, std } = channelStats(s);
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      for (let r = 0; r < 50; r++) for (let q = 0; q < 25; q++) vals.push(s.images[r * 75 + c * 25 + q]!);
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
      expect(mean[c]).toBeCloseTo(m, 9);
      expect(std[c]).toBeCloseTo(Math.sqrt(v), 9);
    }
  });

  it('fitNormalization: mean image, per-channel (offset = channel mean, scale = 1/std), none', () => {
    const s = randomSplit(20, [3, 2, 2], 5);
    const m = fitNormalization(s, 'mean-image');
    expect([...m.offset]).toEqual([...meanImage(s)]);
    expect(m.scale.every((v) => v === 1)).toBe(true);
    const pc = fitNormalization(s, 'per-channel');
    const { mean, std } = channelStats(s);
    expect(pc.offset[4]).toBeCloseTo(mean[1]!, 4);
    expect(pc.scale[11]).toBeCloseTo(1 / std[2]!, 6);
    const none = fitNormalization(s, 'none');
    expect(none.offset.every((v) => v === 0) && none.scale.every((v) => v === 1)).toBe(true);
    expect(() => fitNormalization(s, 'zca' as never)).toThrowError(/kind must be 'mean-image', 'per-channel' or 'none', got 'zca'/);
  });
});
