import { Rng } from '@backprop/tensor';
import { describe, expect, it } from 'vitest';
import { createDataSets } from './data-sets.js';
import { DataSet } from './dataset.js';
import { fitNormalization, meanImage } from './normalization.js';
import type { LabelledData, Split } from './split.js';

/** n records of shape [3, 2, 2]; record i holds i in every pixel (plus 10·channel), label i % 10. */
function tinySplit(n: number): Split {
  const images = new Uint8Array(n * 12);
  for (let i = 0; i < n; i++) for (let p = 0; p < 12; p++) images[i * 12 + p] = i + 10 * Math.floor(p / 4) + (p % 4);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), length: n, shape: [3, 2, 2] };
}

/** The record index a batch row came from (pixel 0 of the raw data holds it). */
const recordsOf = (x: Float32Array, size: number) => Array.from({ length: x.length / size }, (_, r) => x[r * size]!);

describe('DataSet.nextBatch (the original semantics, shuffled before the first epoch too)', () => {
  it('starts from a seeded permutation, not file order, and serves it in order', () => {
    const ds = new DataSet(tinySplit(10), { oneHot: false });
    const expected = [...new Rng(42).permutation(10)];
    expect(expected).not.toEqual([...Array(10).keys()]);
    const seen = [...recordsOf(ds.nextBatch(4).x, 12), ...recordsOf(ds.nextBatch(4).x, 12)];
    expect(seen).toEqual(expected.slice(0, 8));
    expect(ds.epochsCompleted).toBe(0);
  });

  it('drops a short tail, reshuffles, restarts at 0 and counts an epoch only when a batch does not fit', () => {
    const ds = new DataSet(tinySplit(10), { oneHot: false, seed: 3 });
    const epoch0 = [...recordsOf(ds.nextBatch(5).x, 12), ...recordsOf(ds.nextBatch(5).x, 12)];
    expect(new Set(epoch0).size).toBe(10);
    expect(ds.epochsCompleted).toBe(0); // exactly used up, but not yet counted (as the original)
    const next = recordsOf(ds.nextBatch(3).x, 12);
    expect(ds.epochsCompleted).toBe(1);
    // A fresh permutation of the previous order.
    const rng = new Rng(3);
    const first = rng.permutation(10);
    const second = rng.permutation(10);
    const order = Array.from(second, (j) => first[j]!);
    expect(next).toEqual(order.slice(0, 3));
    recordsOf(ds.nextBatch(3).x, 12);
    recordsOf(ds.nextBatch(3).x, 12); // 9 of 10 used
    expect(ds.epochsCompleted).toBe(1);
    ds.nextBatch(3); // does not fit: record 10 dropped
    expect(ds.epochsCompleted).toBe(2);
  });

  it('is deterministic per seed and different across seeds', () => {
    const run = (seed: number) => {
      const ds = new DataSet(tinySplit(50), { seed, oneHot: false });
      return Array.from({ length: 12 }, () => recordsOf(ds.nextBatch(7).x, 12)).flat();
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('labels: one-hot float32 [N, K] by default, or dense uint8 [N]; dense labels always present', () => {
    const hot = new DataSet(tinySplit(10)).nextBatch(4);
    expect(hot.yShape).toEqual([4, 10]);
    expect(hot.y).toBeInstanceOf(Float32Array);
    for (let r = 0; r < 4; r++) {
      const row = [...hot.y.subarray(r * 10, r * 10 + 10)];
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(row[hot.labels[r]!]).toBe(1);
      expect(hot.labels[r]).toBe(hot.x[r * 12]! % 10); // the label of the record it came with
    }
    const dense = new DataSet(tinySplit(10), { oneHot: false }).nextBatch(4);
    expect(dense.y).toBeInstanceOf(Uint8Array);
    expect(dense.yShape).toEqual([4]);
  });

  it('layouts: flat keeps C,H,W order; nhwc transposes each record; nchw is flat with a 4-D shape', () => {
    const split = tinySplit(4);
    const opts = { shuffle: false, oneHot: false } as const;
    const flat = new DataSet(split, { ...opts, layout: 'flat' }).nextBatch(2);
    const nchw = new DataSet(split, { ...opts, layout: 'nchw' }).nextBatch(2);
    const nhwc = new DataSet(split, { ...opts, layout: 'nhwc' }).nextBatch(2);
    expect(flat.xShape).toEqual([2, 12]);
    expect(nchw.xShape).toEqual([2, 3, 2, 2]);
    expect(nhwc.xShape).toEqual([2, 2, 2, 3]);
    expect([...nchw.x]).toEqual([...flat.x]);
    // record 1, pixel (h=1, w=0), channel 2: CHW index 2·4 + 1·2 + 0 = 10; HWC index (1·2 + 0)·3 + 2 = 8.
    expect(nhwc.x[12 + 8]).toBe(flat.x[12 + 10]);
    expect(flat.x[12 + 10]).toBe(1 + 20 + 2);
  });

  it('subtracts the mean image (or standardises per channel) on the way out', () => {
    const split = tinySplit(6);
    const norm = fitNormalization(split, 'mean-image');
    const mean = meanImage(split);
    const b = new DataSet(split, { normalization: norm, shuffle: false, oneHot: false }).nextBatch(6);
    for (let i = 0; i < b.x.length; i++) expect(b.x[i]).toBeCloseTo(split.images[i]! - mean[i % 12]!, 5);
    const pc = new DataSet(split, { normalization: fitNormalization(split, 'per-channel'), shuffle: false, layout: 'nhwc' }).nextBatch(6);
    for (let c = 0; c < 3; c++) {
      const vals = Array.from({ length: 24 }, (_, k) => pc.x[k * 3 + c]!);
      const m = vals.reduce((a, v) => a + v, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / vals.length);
      expect(m).toBeCloseTo(0, 5);
      expect(sd).toBeCloseTo(1, 5);
    }
  });

  it('gives the same values on the fast word path and the byte path (unaligned pixels, odd planes)', () => {
    const split = tinySplit(9);
    const copy = new Uint8Array(split.images.length + 1);
    copy.set(split.images, 1);
    const unaligned: Split = { ...split, images: copy.subarray(1) };
    for (const layout of ['flat', 'nhwc'] as const) {
      for (const kind of ['mean-image', 'per-channel', 'none'] as const) {
        const norm = fitNormalization(split, kind);
        const a = new DataSet(split, { layout, normalization: norm, seed: 1 }).nextBatch(9);
        const b = new DataSet(unaligned, { layout, normalization: norm, seed: 1 }).nextBatch(9);
        expect([...a.x], `${layout} ${kind}`).toEqual([...b.x]);
      }
    }
    // A plane of 3×3 pixels cannot use words for HWC output; the byte path must transpose correctly.
    const odd: Split = { images: Uint8Array.from({ length: 2 * 18 }, (_, i) => i), labels: new Uint8Array(2), length: 2, shape: [2, 3, 3] };
    const hwc = new DataSet(odd, { layout: 'nhwc', shuffle: false }).nextBatch(2);
    expect([...hwc.x.subarray(0, 6)]).toEqual([0, 9, 1, 10, 2, 11]);
  });

  it('batches() walks every record once in the current order and leaves nextBatch alone', () => {
    const ds = new DataSet(tinySplit(10), { oneHot: false });
    const all = [...ds.batches(4)];
    expect(all.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(all.flatMap((b) => recordsOf(b.x, 12)).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(recordsOf(ds.nextBatch(4).x, 12)).toEqual(recordsOf(all[0]!.x, 12));
    expect(recordsOf(ds.slice(2, 5).x, 12)).toEqual(recordsOf(all[0]!.x, 12).slice(2).concat(recordsOf(all[1]!.x, 12).slice(0, 1)));
  });

  it('shares the split’s pixels instead of copying them', () => {
    const split = tinySplit(10);
    expect(new DataSet(split).split.images).toBe(split.images);
  });

  it('rejects bad batch sizes, layouts and mismatched inputs', () => {
    const ds = new DataSet(tinySplit(10));
    expect(() => ds.nextBatch(11)).toThrowError('DataSet.nextBatch: n must be an integer in [1, 10], got 11');
    expect(() => ds.nextBatch(0)).toThrowError(/got 0/);
    expect(() => new DataSet(tinySplit(3), { layout: 'hwc' as never })).toThrowError(/layout must be 'flat', 'nchw' or 'nhwc', got 'hwc'/);
    expect(() => new DataSet({ ...tinySplit(3), length: 4 })).toThrowError(/split.images must hold length × 12 = 48 bytes, got 36/);
    expect(() => new DataSet(tinySplit(3), { indices: Int32Array.of(0, 3) })).toThrowError(/indices must lie in \[0, 3\), got 3/);
  });
});

describe('createDataSets', () => {
  const data: LabelledData = { train: tinySplit(40), test: tinySplit(8), classNames: [...'abcdefghij'] };

  it('holds out a seeded validation subset, disjoint from train', () => {
    const sets = createDataSets(data, { validationSize: 10, oneHot: false, normalization: 'none' });
    expect(sets.train.length).toBe(30);
    expect(sets.validation!.length).toBe(10);
    const v = new Set(recordsOf(sets.validation!.slice(0, 10).x, 12));
    const t = new Set(recordsOf(sets.train.slice(0, 30).x, 12));
    expect(v.size + t.size).toBe(40);
    expect([...v].filter((x) => t.has(x))).toEqual([]);
    expect(v).toEqual(new Set(new Rng(42).permutation(40).subarray(0, 10)));
    expect(sets.test.length).toBe(8);
    expect(createDataSets(data).validation).toBeNull();
    expect(() => createDataSets(data, { validationSize: 40 })).toThrowError(/validationSize must be an integer in \[0, 39\], got 40/);
  });

  it('fits the mean image on the whole training split (validation part included, as the original) and applies it to all three', () => {
    const sets = createDataSets(data, { validationSize: 10, oneHot: false });
    expect([...sets.normalization.offset]).toEqual([...meanImage(data.train)]);
    for (const ds of [sets.train, sets.validation!, sets.test]) expect(ds.normalization).toBe(sets.normalization);
    // A test record i holds i + 10·channel + (pixel in plane); out comes that minus the train mean.
    const off = sets.normalization.offset;
    const b = sets.test.slice(0, 1);
    const i = Math.round(b.x[0]! + off[0]!);
    expect(b.x[5]).toBeCloseTo(i + 11 - off[5]!, 4);
  });
});
