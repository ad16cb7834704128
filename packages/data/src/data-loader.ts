// torch.utils.data.DataLoader over a DataSet: `for (const batch of loader)` walks one epoch;
// each new iteration is a new epoch with a new (seeded) order when `shuffle` is on, and the
// transforms (transforms.ts) run on every batch with the loader's generator. Plain arrays only.
import { Rng } from '@backprop/random';
import type { Batch, DataSet } from './dataset.js';
import type { Transform } from './transforms.js';

export interface DataLoaderOptions {
  /** Records per batch (default 1, as PyTorch). */
  batch_size?: number;
  /** A new random order every epoch (default false, as PyTorch). */
  shuffle?: boolean;
  /** Leave out the last, smaller batch (default false). */
  drop_last?: boolean;
  /** Seed of the orders and of the transforms' randomness (default 0). */
  seed?: number;
  /** Applied to every batch (`compose(randomCrop(), randomHorizontalFlip(), normalize(...))`). */
  transform?: Transform;
}

const KNOWN = ['batch_size', 'shuffle', 'drop_last', 'seed', 'transform'];

export class DataLoader implements Iterable<Batch> {
  readonly dataset: DataSet;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly transform: Transform | undefined;
  private readonly rng: Rng;
  /** Epochs started so far (each `for … of` starts one). */
  epoch = 0;

  constructor(dataset: DataSet, options: DataLoaderOptions = {}) {
    const unknown = Object.keys(options).find((k) => !KNOWN.includes(k));
    if (unknown != null) throw new Error(`DataLoader: unknown option '${unknown}'; known options: ${KNOWN.join(', ')}`);
    const { batch_size = 1, shuffle = false, drop_last = false, seed = 0, transform } = options;
    if (dataset == null || typeof (dataset as DataSet).take !== 'function') throw new Error(`DataLoader: dataset must be a DataSet, got ${String(dataset)}`);
    if (!Number.isInteger(batch_size) || batch_size < 1) throw new Error(`DataLoader: batch_size must be a positive integer, got ${batch_size}`);
    if (drop_last && batch_size > dataset.length) throw new Error(`DataLoader: batch_size ${batch_size} with drop_last leaves no batch of a ${dataset.length}-record set`);
    if (transform != null && typeof transform !== 'function') throw new Error(`DataLoader: transform must be a function (see compose), got ${String(transform)}`);
    this.dataset = dataset;
    this.batchSize = batch_size;
    this.shuffle = shuffle;
    this.dropLast = drop_last;
    this.transform = transform;
    this.rng = new Rng(seed);
  }

  /** Batches per epoch (PyTorch's `len(loader)`). */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *[Symbol.iterator](): Generator<Batch> {
    this.epoch++;
    const n = this.dataset.length;
    const order = this.shuffle ? this.rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const ctx = { layout: this.dataset.layout, shape: this.dataset.split.shape, rng: this.rng };
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (this.dropLast && end - start < this.batchSize) break;
      const batch = this.dataset.take(order.subarray(start, end));
      yield this.transform ? this.transform(batch, ctx) : batch;
    }
  }
}
