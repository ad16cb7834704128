// Statistics of a training split and the preprocessing they define. The original subtracts the
// training set's mean image (per pixel and channel) from pixels kept on the 0–255 scale; the
// per-channel option standardises each channel to mean 0, std 1 instead.
import type { Split } from './split.js';

export type NormalizationKind = 'mean-image' | 'per-channel' | 'none';

/** A fitted preprocessing: what to subtract (and divide by) for every pixel of a record. */
export interface Normalization {
  kind: NormalizationKind;
  /** C·H·W per-pixel offsets (the mean image, or each channel's mean repeated; zeros for 'none'). */
  offset: Float32Array;
  /** C·H·W per-pixel scales (1 / channel std for 'per-channel', else ones). */
  scale: Float32Array;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Per-pixel byte sums over records, four bytes per 32-bit load: two 16-bit lanes per accumulator
 * (bytes 0 and 2 in one, 1 and 3 in the other) hold up to 257 records of 255 before they are
 * flushed — about twice as fast as a byte loop.
 */
function pixelSums(images: Uint8Array, size: number, order: ArrayLike<number> | null, n: number, sums: Float64Array): boolean {
  if (!littleEndian || size % 4 !== 0 || images.byteOffset % 4 !== 0) return false;
  const words = new Uint32Array(images.buffer, images.byteOffset, images.length >>> 2);
  const w = size >>> 2;
  const even = new Uint32Array(w);
  const odd = new Uint32Array(w);
  for (let start = 0; start < n; start += 257) {
    const stop = Math.min(n, start + 257);
    for (let i = start; i < stop; i++) {
      const base = (order ? order[i]! : i) * w;
      for (let j = 0; j < w; j++) {
        const v = words[base + j]!;
        even[j]! += v & 0x00ff00ff;
        odd[j]! += (v >>> 8) & 0x00ff00ff;
      }
    }
    for (let j = 0; j < w; j++) {
      const e = even[j]!;
      const o = odd[j]!;
      sums[4 * j]! += e & 0xffff;
      sums[4 * j + 1]! += o & 0xffff;
      sums[4 * j + 2]! += e >>> 16;
      sums[4 * j + 3]! += o >>> 16;
    }
    even.fill(0);
    odd.fill(0);
  }
  return true;
}

/** The mean image over a split's records (or the given subset), exact (integer sums). */
export function meanImage(split: Split, indices?: ArrayLike<number>): Float32Array {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const n = indices ? indices.length : split.length;
  const sums = new Float64Array(size);
  if (!pixelSums(split.images, size, indices ?? null, n, sums)) {
    const img = split.images;
    for (let i = 0; i < n; i++) {
      const src = (indices ? indices[i]! : i) * size;
      for (let p = 0; p < size; p++) sums[p]! += img[src + p]!;
    }
  }
  const out = new Float32Array(size);
  for (let p = 0; p < size; p++) out[p] = sums[p]! / n;
  return out;
}

/** Per-channel mean and (population) std on the 0–255 scale, exact, from byte histograms. */
export function channelStats(split: Split): { mean: Float64Array; std: Float64Array } {
  const [c] = split.shape;
  const plane = split.shape[1] * split.shape[2];
  // Counts fit uint32 unless a channel has ≥ 2³² pixels in all.
  const hist = split.length * plane < 2 ** 32 ? new Uint32Array(c * 256) : new Float64Array(c * 256);
  const img = split.images;
  for (let r = 0; r < split.length; r++) {
    for (let ch = 0; ch < c; ch++) {
      const base = ch * 256;
      const start = (r * c + ch) * plane;
      for (let p = start; p < start + plane; p++) hist[base + img[p]!]!++;
    }
  }
  const mean = new Float64Array(c);
  const std = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let n = 0;
    let s = 0;
    let s2 = 0;
    for (let v = 0; v < 256; v++) {
      const k = hist[ch * 256 + v]!;
      n += k;
      s += k * v;
      s2 += k * v * v;
    }
    mean[ch] = s / n;
    std[ch] = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
  }
  return { mean, std };
}

/** Fits the preprocessing to a training split. */
export function fitNormalization(train: Split, kind: NormalizationKind = 'mean-image'): Normalization {
  const size = train.shape[0] * train.shape[1] * train.shape[2];
  const offset = new Float32Array(size);
  const scale = new Float32Array(size).fill(1);
  if (kind === 'mean-image') offset.set(meanImage(train));
  else if (kind === 'per-channel') {
    const { mean, std } = channelStats(train);
    const plane = train.shape[1] * train.shape[2];
    for (let ch = 0; ch < train.shape[0]; ch++) {
      offset.fill(mean[ch]!, ch * plane, (ch + 1) * plane);
      scale.fill(1 / (std[ch]! || 1), ch * plane, (ch + 1) * plane);
    }
  } else if (kind !== 'none') throw new Error(`fitNormalization: kind must be 'mean-image', 'per-channel' or 'none', got '${kind as string}'`);
  return { kind, offset, scale };
}
