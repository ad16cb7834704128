import { describe, expect, it } from 'vitest';
import { chwToRgba, weightTiles, weightsToRgba } from './images.js';

describe('chwToRgba', () => {
  it('interleaves the R, G and B planes of the record at offset', () => {
    // two 1×2 RGB records; the second: R = [10, 11], G = [20, 21], B = [30, 31]
    const bytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 10, 11, 20, 21, 30, 31]);
    expect([...chwToRgba(bytes, 6, [3, 1, 2])]).toEqual([10, 20, 30, 255, 11, 21, 31, 255]);
  });

  it('repeats a grey plane and rejects records past the end', () => {
    expect([...chwToRgba(Uint8Array.from([7, 9]), 0, [1, 1, 2])]).toEqual([7, 7, 7, 255, 9, 9, 9, 255]);
    expect(() => chwToRgba(new Uint8Array(5), 0, [3, 1, 2])).toThrow(/runs past the 5-byte buffer/);
  });
});

describe('weightsToRgba', () => {
  it('maps each filter min..max to 0..255 across its channels', () => {
    // one 1×1 RGB filter: values -1, 0, 1 → 0, 127.5, 255
    const out = weightsToRgba(Float32Array.from([5, -1, 0, 1]), 1, 3, 1, 1);
    expect([...out]).toEqual([0, 128, 255, 255]);
  });

  it('draws a constant filter black instead of dividing by zero', () => {
    expect([...weightsToRgba(Float32Array.from([2, 2]), 0, 1, 1, 2)]).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
  });
});

describe('weightTiles', () => {
  it('cuts an MLP first layer into input-shaped templates and a conv layer into its filters', () => {
    expect(weightTiles('dense', [100, 3072], [3, 32, 32])).toEqual({ count: 100, c: 3, h: 32, w: 32 });
    expect(weightTiles('conv', [64, 3, 3, 3], [3, 32, 32])).toEqual({ count: 64, c: 3, h: 3, w: 3 });
    expect(() => weightTiles('dense', [100, 3071], [3, 32, 32])).toThrow(/\[out, 3072\].*got \[100, 3071\]/);
  });
});
