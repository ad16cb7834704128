// Batches as the original cifar10_utils `next_batch` served them — in order through the set, and
// when fewer than a batch remain, drop them, reshuffle (seeded), restart at 0 and count an epoch —
// except that the set is also shuffled before the first epoch, so record order in the files never
// matters. Pixels stay uint8 in memory (shared with the split, never copied); each batch is
// converted to float32 and normalised on the way out.
import { Rng } from '@backprop/random';
import type { Normalization } from './normalization.js';
import type { Split } from './split.js';

/**
 * 'flat': [N, C·H·W] in the file's C, H, W order (for MLPs); 'nchw': [N, C, H, W], the same bytes;
 * 'nhwc': [N, H, W, C] (for tfjs convolutions).
 */
export type Layout = 'flat' | 'nchw' | 'nhwc';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const identities = new Map<number, { offset: Float32Array; scale: Float32Array }>();
const identity = (size: number) => {
  let id = identities.get(size);
  if (!id) identities.set(size, (id = { offset: new Float32Array(size), scale: new Float32Array(size).fill(1) }));
  return id;
};

/**
 * One record from C,H,W bytes to float32 `(v − offset[p]) · scale[p]`, written in C,H,W order
 * (`channels` = 1) or H,W,C (`channels` = C: pixel q of channel ch goes to q·C + ch).
 */
function convertBytes(
  img: Uint8Array, src: number, x: Float32Array, dst: number, size: number, channels: number,
  offset: Float32Array, scale: Float32Array, scaled: boolean,
): void {
  const plane = size / channels;
  for (let p = 0; p < size; p++) {
    const q = channels === 1 ? p : (p % plane) * channels + Math.floor(p / plane);
    const v = img[src + p]! - offset[p]!;
    x[dst + q] = scaled ? v * scale[p]! : v;
  }
}

/** As convertBytes, reading four bytes per load (`src` and `size` in bytes/4 and bytes). */
function convertWords(
  words: Uint32Array, srcWord: number, x: Float32Array, dst: number, size: number, channels: number,
  offset: Float32Array, scale: Float32Array, scaled: boolean,
): void {
  const nWords = size >>> 2;
  if (channels === 1 && !scaled) {
    for (let j = 0; j < nWords; j++) {
      const v = words[srcWord + j]!;
      const p = j << 2;
      const d = dst + p;
      x[d] = (v & 255) - offset[p]!;
      x[d + 1] = ((v >>> 8) & 255) - offset[p + 1]!;
      x[d + 2] = ((v >>> 16) & 255) - offset[p + 2]!;
      x[d + 3] = (v >>> 24) - offset[p + 3]!;
    }
    return;
  }
  // Channel planes hold a multiple of 4 pixels (the caller checks), so the four bytes of a word
  // are four neighbouring pixels of one channel.
  const plane = size / channels;
  const stride = channels;
  for (let j = 0; j < nWords; j++) {
    const v = words[srcWord + j]!;
    const p = j << 2;
    const ch = Math.floor(p / plane);
    const d = dst + (p - ch * plane) * stride + ch;
    x[d] = ((v & 255) - offset[p]!) * scale[p]!;
    x[d + stride] = (((v >>> 8) & 255) - offset[p + 1]!) * scale[p + 1]!;
    x[d + 2 * stride] = (((v >>> 16) & 255) - offset[p + 2]!) * scale[p + 2]!;
    x[d + 3 * stride] = ((v >>> 24) - offset[p + 3]!) * scale[p + 3]!;
  }
}

export interface Batch {
  /** Preprocessed pixels, `xShape` in the data set's layout. */
  x: Float32Array;
  xShape: number[];
  /** One-hot float32 [N, K] or dense uint8 [N], per the `oneHot` option. */
  y: Float32Array | Uint8Array;
  yShape: number[];
  /** Dense class indices, always (for accuracy). */
  labels: Uint8Array;
  size: number;
}

export interface DataSetOptions {
  /** The fitted preprocessing (from the training split); default none (raw 0–255 as float32). */
  normalization?: Normalization;
  /** Pixel layout of batches (default 'flat'). */
  layout?: Layout;
  /** One-hot float32 labels (default true, as the original) or dense uint8. */
  oneHot?: boolean;
  /** Number of classes for one-hot labels (default 10). */
  numClasses?: number;
  /** Seed of the shuffles (default 42). */
  seed?: number;
  /** Shuffle before the first epoch and between epochs (default true). */
  shuffle?: boolean;
  /** Only these records of the split (e.g. a validation subset); default all. */
  indices?: Int32Array;
}

export class DataSet {
  readonly split: Split;
  readonly layout: Layout;
  readonly oneHot: boolean;
  readonly numClasses: number;
  readonly normalization: Normalization | undefined;
  /** Epochs finished, counted (as in the original) when a batch no longer fits in the current one. */
  epochsCompleted = 0;
  private order: Int32Array;
  private index = 0;
  private readonly rng: Rng;
  private readonly shuffleOn: boolean;

  constructor(split: Split, options: DataSetOptions = {}) {
    const { layout = 'flat', oneHot = true, numClasses = 10, seed = 42, shuffle = true } = options;
    if (!['flat', 'nchw', 'nhwc'].includes(layout)) throw new Error(`DataSet: layout must be 'flat', 'nchw' or 'nhwc', got '${layout}'`);
    const recordSize = split.shape[0] * split.shape[1] * split.shape[2];
    if (split.images.length !== split.length * recordSize) {
      throw new Error(`DataSet: split.images must hold length × ${recordSize} = ${split.length * recordSize} bytes, got ${split.images.length}`);
    }
    if (options.normalization && options.normalization.offset.length !== recordSize) {
      throw new Error(`DataSet: normalization is for records of ${options.normalization.offset.length} values, the split's are ${recordSize}`);
    }
    this.split = split;
    this.layout = layout;
    this.oneHot = oneHot;
    this.numClasses = numClasses;
    this.normalization = options.normalization;
    this.rng = new Rng(seed);
    this.shuffleOn = shuffle;
    if (options.indices) {
      for (const i of options.indices) {
        if (!(i >= 0 && i < split.length)) throw new Error(`DataSet: indices must lie in [0, ${split.length}), got ${i}`);
      }
      this.order = Int32Array.from(options.indices);
    } else {
      this.order = new Int32Array(split.length);
      for (let i = 0; i < split.length; i++) this.order[i] = i;
    }
    if (shuffle) this.reshuffle();
  }

  /** Number of records in this set. */
  get length(): number {
    return this.order.length;
  }

  /** Shape of one record in the batch layout. */
  get recordShape(): number[] {
    const [c, h, w] = this.split.shape;
    return this.layout === 'flat' ? [c * h * w] : this.layout === 'nchw' ? [c, h, w] : [h, w, c];
  }

  /** The next `n` records; see the class comment for the epoch rule. */
  nextBatch(n: number): Batch {
    if (!Number.isInteger(n) || n < 1 || n > this.length) {
      throw new Error(`DataSet.nextBatch: n must be an integer in [1, ${this.length}], got ${n}`);
    }
    let start = this.index;
    this.index += n;
    if (this.index > this.length) {
      this.epochsCompleted++;
      if (this.shuffleOn) this.reshuffle();
      start = 0;
      this.index = n;
    }
    return this.gather(start, start + n);
  }

  /** Every record in the current order, in batches of `n` (the last may be smaller); leaves `nextBatch`'s state alone. */
  *batches(n: number): Generator<Batch> {
    if (!Number.isInteger(n) || n < 1) throw new Error(`DataSet.batches: n must be a positive integer, got ${n}`);
    for (let s = 0; s < this.length; s += n) yield this.gather(s, Math.min(s + n, this.length));
  }

  /** Records `start` to `end` (exclusive) of the current order. */
  slice(start: number, end: number): Batch {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= this.length)) {
      throw new Error(`DataSet.slice: need 0 ≤ start < end ≤ ${this.length}, got ${start}, ${end}`);
    }
    return this.gather(start, end);
  }

  private reshuffle(): void {
    // Permutes the current order, as the original permuted its arrays in place.
    const perm = this.rng.permutation(this.order.length);
    const next = new Int32Array(this.order.length);
    for (let i = 0; i < perm.length; i++) next[i] = this.order[perm[i]!]!;
    this.order = next;
  }

  /**
   * The records at `positions` of the current order (each in [0, length)), as one batch: what
   * DataLoader uses to serve its own (per-epoch) orders.
   */
  take(positions: ArrayLike<number>): Batch {
    const recs = new Int32Array(positions.length);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (!(Number.isInteger(p) && p >= 0 && p < this.length)) throw new Error(`DataSet.take: positions[${i}] must be an integer in [0, ${this.length}), got ${p}`);
      recs[i] = this.order[p]!;
    }
    if (recs.length === 0) throw new Error('DataSet.take: positions must not be empty');
    return this.gatherRecords(recs);
  }

  private gather(start: number, end: number): Batch {
    return this.gatherRecords(this.order.subarray(start, end));
  }

  /** Records by split index. */
  private gatherRecords(recs: Int32Array): Batch {
    const n = recs.length;
    const [c, h, w] = this.split.shape;
    const size = c * h * w;
    const x = new Float32Array(n * size);
    const labels = new Uint8Array(n);
    const { offset, scale } = this.normalization ?? identity(size);
    const scaled = this.normalization?.kind === 'per-channel';
    const img = this.split.images;
    const channels = this.layout === 'nhwc' ? c : 1;
    // Four pixels per 32-bit load where the bytes allow it (~1.5× faster than byte loads): aligned,
    // and for HWC output each channel plane a whole number of words.
    const wordsFit = channels === 1 ? size % 4 === 0 : (h * w) % 4 === 0;
    const words = littleEndian && wordsFit && img.byteOffset % 4 === 0 ? new Uint32Array(img.buffer, img.byteOffset, img.length >>> 2) : null;
    for (let r = 0; r < n; r++) {
      const rec = recs[r]!;
      labels[r] = this.split.labels[rec]!;
      if (words) convertWords(words, rec * (size >>> 2), x, r * size, size, channels, offset, scale, scaled);
      else convertBytes(img, rec * size, x, r * size, size, channels, offset, scale, scaled);
    }
    let y: Float32Array | Uint8Array = labels;
    if (this.oneHot) {
      const k = this.numClasses;
      const hot = new Float32Array(n * k);
      for (let r = 0; r < n; r++) {
        if (labels[r]! >= k) throw new Error(`DataSet: label ${labels[r]} does not fit ${k} classes`);
        hot[r * k + labels[r]!] = 1;
      }
      y = hot;
    }
    return { x, xShape: [n, ...this.recordShape], y, yShape: this.oneHot ? [n, this.numClasses] : [n], labels, size: n };
  }
}
