import { Rng } from '@backprop/random';
import { describe, expect, it } from 'vitest';
import type { Batch, Layout } from './dataset.js';
import { compose, normalize, randomCrop, randomHorizontalFlip } from './transforms.js';

/** One record [C=2, H=3, W=4] with value 100·c + 10·y + x, in `layout`. */
function batch(layout: Layout): Batch {
  const x = new Float32Array(24);
  for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let w = 0; w < 4; w++) {
    x[layout === 'nhwc' ? (y * 4 + w) * 2 + c : (c * 3 + y) * 4 + w] = 100 * c + 10 * y + w;
  }
  return { x, xShape: layout === 'nhwc' ? [1, 3, 4, 2] : [1, 2, 3, 4], y: new Uint8Array(1), yShape: [1], labels: new Uint8Array(1), size: 1 };
}
const value = (b: Batch, layout: Layout, c: number, y: number, w: number) => b.x[layout === 'nhwc' ? (y * 4 + w) * 2 + c : (c * 3 + y) * 4 + w]!;
const shape = [2, 3, 4] as const;

describe('transforms', () => {
  it.each(['nchw', 'nhwc'] as const)('%s: randomCrop shifts the record by the drawn offsets, filling with zeros', (layout) => {
    const seed = 5;
    const b = randomCrop({ padding: 2 })(batch(layout), { layout, shape, rng: new Rng(seed) });
    const rng = new Rng(seed);
    const dy = rng.int(5) - 2;
    const dx = rng.int(5) - 2;
    for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let w = 0; w < 4; w++) {
      const [sy, sx] = [y + dy, w + dx];
      const expected = sy >= 0 && sy < 3 && sx >= 0 && sx < 4 ? 100 * c + 10 * sy + sx : 0;
      expect(value(b, layout, c, y, w)).toBe(expected);
    }
  });

  it.each(['flat', 'nhwc'] as const)('%s: randomHorizontalFlip(1) mirrors each row; p = 0 leaves it', (layout) => {
    const b = randomHorizontalFlip(1)(batch(layout), { layout, shape, rng: new Rng(1) });
    for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let w = 0; w < 4; w++) expect(value(b, layout, c, y, w)).toBe(100 * c + 10 * y + (3 - w));
    expect(randomHorizontalFlip(0)(batch(layout), { layout, shape, rng: new Rng(1) }).x).toEqual(batch(layout).x);
  });

  it('normalize: (x − mean[c]) / std[c] per channel; compose runs in order', () => {
    const layout = 'nhwc';
    const b = compose(normalize({ mean: [10, 100], std: [2, 4] }))(batch(layout), { layout, shape, rng: new Rng(1) });
    expect(value(b, layout, 0, 1, 2)).toBeCloseTo((12 - 10) / 2, 6);
    expect(value(b, layout, 1, 2, 3)).toBeCloseTo((123 - 100) / 4, 6);
    expect(() => normalize({ mean: [1], std: [0] })).toThrow('normalize: std[0] must be a finite number > 0, got 0');
    expect(() => normalize({ mean: [1, 2, 3], std: [1, 1, 1] })(batch(layout), { layout, shape, rng: new Rng(1) })).toThrow('normalize: mean and std have 3 channels, the records 2');
  });
});
