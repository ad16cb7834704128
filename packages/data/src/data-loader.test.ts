import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { DataSet } from './dataset.js';
import type { Split } from './split.js';
import { compose, randomCrop, randomHorizontalFlip } from './transforms.js';

/** n records of shape [1, 2, 2]; every pixel of record i holds i; label i % 10. */
function split(n: number): Split {
  const images = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(i, i * 4, i * 4 + 4);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), length: n, shape: [1, 2, 2] };
}

const records = (loader: DataLoader) => [...loader].map((b) => Array.from({ length: b.size }, (_, r) => b.x[r * 4]!));

describe('DataLoader', () => {
  it('walks the set in order without shuffle; len and drop_last as in PyTorch', () => {
    const ds = new DataSet(split(10), { shuffle: false, oneHot: false });
    const loader = new DataLoader(ds, { batch_size: 4 });
    expect(loader.length).toBe(3);
    expect(records(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropping = new DataLoader(ds, { batch_size: 4, drop_last: true });
    expect(dropping.length).toBe(2);
    expect(records(dropping)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    const [first] = dropping;
    expect(Array.from(first!.labels)).toEqual([0, 1, 2, 3]);
    expect(first!.xShape).toEqual([4, 4]);
  });

  it('reshuffles every epoch, each a permutation of every record, the same for the same seed', () => {
    const ds = new DataSet(split(20), { shuffle: false, oneHot: false });
    const a = new DataLoader(ds, { batch_size: 6, shuffle: true, seed: 7 });
    const b = new DataLoader(ds, { batch_size: 6, shuffle: true, seed: 7 });
    const epochsA = [0, 1, 2].map(() => records(a).flat());
    const epochsB = [0, 1, 2].map(() => records(b).flat());
    expect(epochsA).toEqual(epochsB);
    for (const e of epochsA) expect([...e].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(epochsA[1]).not.toEqual(epochsA[0]);
    expect(epochsA[2]).not.toEqual(epochsA[1]);
    expect(records(new DataLoader(ds, { batch_size: 6, shuffle: true, seed: 8 })).flat()).not.toEqual(epochsA[0]);
    expect(a.epoch).toBe(3);
  });

  it('runs the transform on every batch with its seeded generator (augmentation differs per epoch, repeats per seed)', () => {
    const ds = new DataSet({ images: Uint8Array.from({ length: 8 * 16 }, (_, i) => i % 251), labels: new Uint8Array(8), length: 8, shape: [1, 4, 4] }, { shuffle: false, oneHot: false, layout: 'nhwc' });
    const make = () => new DataLoader(ds, { batch_size: 8, seed: 1, transform: compose(randomCrop({ padding: 1 }), randomHorizontalFlip()) });
    const [l1, l2] = [make(), make()];
    const e1 = [...l1][0]!.x.slice();
    expect([...l2][0]!.x).toEqual(e1);
    expect([...l1][0]!.x).not.toEqual(e1);
    const plain = [...new DataLoader(ds, { batch_size: 8 })][0]!.x;
    expect(e1).not.toEqual(plain);
  });

  it('checks its options, naming them', () => {
    const ds = new DataSet(split(4), { oneHot: false });
    expect(() => new DataLoader(ds, { batchSize: 2 } as never)).toThrow("DataLoader: unknown option 'batchSize'; known options: batch_size, shuffle, drop_last, seed, transform");
    expect(() => new DataLoader(ds, { batch_size: 0 })).toThrow('DataLoader: batch_size must be a positive integer, got 0');
    expect(() => new DataLoader(ds, { batch_size: 5, drop_last: true })).toThrow('DataLoader: batch_size 5 with drop_last leaves no batch of a 4-record set');
  });
});
