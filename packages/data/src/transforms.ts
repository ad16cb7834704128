// Batch transforms for DataLoader, torchvision's CIFAR-10 recipe on plain Float32Arrays (no
// tensors, no tfjs): RandomCrop with zero padding, RandomHorizontalFlip, Normalize, and Compose.
// Each works on a whole batch in place, in any layout ('flat' and 'nchw' are C, H, W per record;
// 'nhwc' is H, W, C), drawing its randomness per record from the loader's seeded generator.
//
// As in torchvision, the crop pads with zeros, so put it before Normalize on raw pixels
// (a DataSet without normalization gives 0–255 values; Normalize's mean and std are in the
// batch's units: for 0–255 pixels, 255 × torchvision's 0–1 figures).
import type { Rng } from '@backprop/random';
import type { Batch, Layout } from './dataset.js';

/** What a transform knows about the batch beyond its values. */
export interface TransformContext {
  layout: Layout;
  /** [C, H, W] of one record. */
  shape: readonly [number, number, number];
  rng: Rng;
}

/** Changes `batch.x` in place (or returns a new batch). */
export type Transform = (batch: Batch, ctx: TransformContext) => Batch;

/** Index of pixel (c, y, x) within a record. */
function indexer(layout: Layout, [c, h, w]: readonly [number, number, number]): (ch: number, y: number, x: number) => number {
  return layout === 'nhwc' ? (ch, y, x) => (y * w + x) * c + ch : (ch, y, x) => (ch * h + y) * w + x;
}

/** Applies transforms in order (torchvision's Compose). */
export function compose(...transforms: Transform[]): Transform {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new Error(`compose: transforms[${i}] must be a transform function, got ${String(t)}`);
  });
  return (batch, ctx) => transforms.reduce((b, t) => t(b, ctx), batch);
}

export interface RandomCropOptions {
  /** Output size, the record's own (H, W) here: cropping keeps the shape. Default: the record's. */
  size?: number | [number, number];
  /** Zeros added on each side before the crop (default 4, the CIFAR-10 recipe). */
  padding?: number;
}

/**
 * torchvision's RandomCrop(size, padding): pad each record with `padding` zeros on every side and
 * cut a window of the record's size at a uniformly random offset in [0, 2·padding] per axis.
 */
export function randomCrop({ size, padding = 4 }: RandomCropOptions = {}): Transform {
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`randomCrop: padding must be an integer ≥ 0, got ${padding}`);
  return (batch, { layout, shape, rng }) => {
    const [c, h, w] = shape;
    const [sh, sw] = size == null ? [h, w] : typeof size === 'number' ? [size, size] : size;
    if (sh !== h || sw !== w) throw new Error(`randomCrop: size must be the record's ${h}×${w} (crops keep the batch shape), got ${sh}×${sw}`);
    const at = indexer(layout, shape);
    const recordSize = c * h * w;
    const src = new Float32Array(recordSize);
    for (let r = 0; r < batch.size; r++) {
      const dy = rng.int(2 * padding + 1) - padding;
      const dx = rng.int(2 * padding + 1) - padding;
      if (dy === 0 && dx === 0) continue;
      const rec = batch.x.subarray(r * recordSize, (r + 1) * recordSize);
      src.set(rec);
      for (let ch = 0; ch < c; ch++) {
        for (let y = 0; y < h; y++) {
          const sy = y + dy;
          for (let x = 0; x < w; x++) {
            const sx = x + dx;
            rec[at(ch, y, x)] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[at(ch, sy, sx)]! : 0;
          }
        }
      }
    }
    return batch;
  };
}

/** torchvision's RandomHorizontalFlip(p): each record mirrored left–right with probability p (default 0.5). */
export function randomHorizontalFlip(p = 0.5): Transform {
  if (!(p >= 0 && p <= 1)) throw new Error(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (batch, { layout, shape, rng }) => {
    const [c, h, w] = shape;
    const at = indexer(layout, shape);
    const recordSize = c * h * w;
    for (let r = 0; r < batch.size; r++) {
      if (!(rng.uniform() < p)) continue;
      const rec = batch.x.subarray(r * recordSize, (r + 1) * recordSize);
      for (let ch = 0; ch < c; ch++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w >> 1; x++) {
            const a = at(ch, y, x);
            const b = at(ch, y, w - 1 - x);
            const t = rec[a]!;
            rec[a] = rec[b]!;
            rec[b] = t;
          }
        }
      }
    }
    return batch;
  };
}

export interface NormalizeOptions {
  /** Per-channel mean, in the batch's units. */
  mean: readonly number[];
  /** Per-channel standard deviation, in the batch's units. */
  std: readonly number[];
}

/** torchvision's Normalize(mean, std): x ← (x − mean[c]) / std[c] per channel. */
export function normalize({ mean, std }: NormalizeOptions): Transform {
  if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== std.length || mean.length === 0) {
    throw new Error(`normalize: mean and std must be lists of one value per channel, of the same length, got ${JSON.stringify(mean)} and ${JSON.stringify(std)}`);
  }
  std.forEach((s, i) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`normalize: std[${i}] must be a finite number > 0, got ${s}`);
  });
  return (batch, { layout, shape }) => {
    const [c, h, w] = shape;
    if (c !== mean.length) throw new Error(`normalize: mean and std have ${mean.length} channels, the records ${c}`);
    const at = indexer(layout, shape);
    const recordSize = c * h * w;
    for (let r = 0; r < batch.size; r++) {
      const base = r * recordSize;
      for (let ch = 0; ch < c; ch++) {
        const m = mean[ch]!;
        const inv = 1 / std[ch]!;
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          const i = base + at(ch, y, x);
          batch.x[i] = (batch.x[i]! - m) * inv;
        }
      }
    }
    return batch;
  };
}
