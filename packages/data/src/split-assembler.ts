// Assembles a split from several files (the five CIFAR-10 training batches) in their canonical
// order, whatever order they arrive in, writing each straight into the final arrays. The files of
// the official data are all the same size, so file k goes to slot k of one allocation made when
// the first file arrives; a file of another size is kept apart and the split is concatenated at
// the end (correct, just slower and with a second copy).
import { concatSplits, type Split } from './split.js';

export class SplitAssembler {
  private slot = -1;
  private images: Uint8Array | null = null;
  private labels: Uint8Array | null = null;
  private readonly inSlot = new Set<number>();
  private readonly apart = new Map<number, Split>();

  constructor(
    private readonly fileCount: number,
    private readonly shape: [number, number, number],
  ) {}

  private get recordSize(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  /** Records of file `index`, once placed (undefined before). */
  records(index: number): number | undefined {
    return this.apart.get(index)?.length ?? (this.inSlot.has(index) ? this.slot : undefined);
  }

  /** Whether file `index` has been placed. */
  has(index: number): boolean {
    return this.inSlot.has(index) || this.apart.has(index);
  }

  /**
   * Where file `index` with `records` records goes: arrays and the first record to write at. The
   * caller fills `records` records from there.
   */
  target(index: number, records: number): { images: Uint8Array; labels: Uint8Array; first: number } {
    if (this.slot < 0) {
      this.slot = records;
      this.images = new Uint8Array(this.fileCount * records * this.recordSize);
      this.labels = new Uint8Array(this.fileCount * records);
    }
    if (records === this.slot) {
      this.inSlot.add(index);
      return { images: this.images!, labels: this.labels!, first: index * records };
    }
    const part: Split = { images: new Uint8Array(records * this.recordSize), labels: new Uint8Array(records), length: records, shape: this.shape };
    this.apart.set(index, part);
    return { images: part.images, labels: part.labels, first: 0 };
  }

  /** Places an already parsed file (e.g. an unpickled batch) by copying it into its slot. */
  put(index: number, part: Split): void {
    const t = this.target(index, part.length);
    if (t.images === part.images) return;
    t.images.set(part.images, t.first * this.recordSize);
    t.labels.set(part.labels, t.first);
  }

  /** The split, once every file was placed (the caller checks that). */
  finish(): Split {
    const n = this.fileCount;
    if (this.apart.size === 0 && this.images) {
      return { images: this.images, labels: this.labels!, length: n * this.slot, shape: this.shape };
    }
    const size = this.recordSize;
    const parts: Split[] = [];
    for (let k = 0; k < n; k++) {
      parts.push(
        this.apart.get(k) ?? {
          images: this.images!.subarray(k * this.slot * size, (k + 1) * this.slot * size),
          labels: this.labels!.subarray(k * this.slot, (k + 1) * this.slot),
          length: this.slot,
          shape: this.shape,
        },
      );
    }
    return concatSplits(parts, this.shape);
  }
}
