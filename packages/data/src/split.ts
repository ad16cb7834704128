/**
 * One split of an image-classification data set, exactly as the files hold it: uint8 pixels, one
 * record after another, each record in channel-major (C, H, W) order — for CIFAR-10 the 1024 red
 * bytes, then 1024 green, then 1024 blue, each plane 32×32 row-major.
 */
export interface Split {
  /** N × (C·H·W) bytes, record after record. */
  images: Uint8Array;
  /** N class indices. */
  labels: Uint8Array;
  /** N, the number of records. */
  length: number;
  /** [C, H, W] of one record: [3, 32, 32] for CIFAR-10, [1, 28, 28] for (Fashion-)MNIST. */
  shape: [number, number, number];
}

/** What `loadCifar10` and `loadIdx` resolve to. */
export interface LabelledData {
  train: Split;
  test: Split;
  /** Class names in label order. */
  classNames: string[];
}

/** Concatenates split parts (e.g. the five CIFAR-10 training batches) into one split. */
export function concatSplits(parts: readonly Split[], shape: [number, number, number]): Split {
  if (parts.length === 1) return parts[0]!;
  const recordSize = shape[0] * shape[1] * shape[2];
  let length = 0;
  for (const p of parts) length += p.length;
  const images = new Uint8Array(length * recordSize);
  const labels = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * recordSize);
    labels.set(p.labels, at);
    at += p.length;
  }
  return { images, labels, length, shape };
}
