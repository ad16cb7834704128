// The CIFAR-10 binary record format: 1 label byte (0–9), then 3072 pixel bytes (R, G, B planes of
// 32×32, row-major). No header, nothing between records.
import { DataFormatError } from './errors.js';
import type { Split } from './split.js';
import type { MemberSink } from './tar-reader.js';

export const CIFAR_SHAPE: [number, number, number] = [3, 32, 32];
export const CIFAR_PIXELS = 3072;
export const CIFAR_RECORD = 3073;

export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The member files of the binary version, in the order their records are concatenated. */
export const CIFAR_BINARY_TRAIN = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_BINARY_TEST = 'test_batch.bin';
export const CIFAR_BINARY_META = 'batches.meta.txt';

/** Checks that a batch file's size is a whole number of records; returns the record count. */
export function cifarRecordCount(size: number, file: string): number {
  if (size === 0) throw new DataFormatError(file, 'the file is empty (expected 3073-byte records)');
  if (size % CIFAR_RECORD !== 0) {
    const whole = Math.floor(size / CIFAR_RECORD);
    throw new DataFormatError(
      file,
      `size ${size} bytes is not a multiple of the 3073-byte record (${whole} whole records and ${size - whole * CIFAR_RECORD} bytes over; truncated or not a CIFAR-10 batch)`,
      whole * CIFAR_RECORD,
    );
  }
  return size / CIFAR_RECORD;
}

/**
 * Streams the records of one batch file into `images`/`labels` from record `first` on, checking
 * every label as it passes. Chunks may split records anywhere.
 */
export class CifarRecordWriter implements MemberSink {
  private pos = 0;

  constructor(
    private readonly images: Uint8Array,
    private readonly labels: Uint8Array,
    private readonly first: number,
    private readonly file: string,
    /** Bytes the file must hold (a whole number of records). */
    private readonly size: number,
  ) {}

  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const inRecord = this.pos % CIFAR_RECORD;
      const r = (this.pos - inRecord) / CIFAR_RECORD;
      if (inRecord === 0) {
        const label = chunk[at]!;
        if (label > 9) throw new DataFormatError(this.file, `label byte ${label} of record ${r} is out of range 0–9`, this.pos);
        this.labels[this.first + r] = label;
        at++;
        this.pos++;
      } else {
        const take = Math.min(CIFAR_RECORD - inRecord, chunk.length - at);
        this.images.set(chunk.subarray(at, at + take), (this.first + r) * CIFAR_PIXELS + inRecord - 1);
        at += take;
        this.pos += take;
      }
    }
  }

  end(): void {
    if (this.pos !== this.size) throw new DataFormatError(this.file, `truncated: ${this.pos} of ${this.size} bytes`, this.pos);
  }
}

/** Splits a whole binary batch file into pixels and labels, checking its size and every label. */
export function parseCifarBinary(bytes: Uint8Array, file: string): Split {
  const length = cifarRecordCount(bytes.length, file);
  const images = new Uint8Array(length * CIFAR_PIXELS);
  const labels = new Uint8Array(length);
  const writer = new CifarRecordWriter(images, labels, 0, file, bytes.length);
  writer.write(bytes);
  writer.end();
  return { images, labels, length, shape: CIFAR_SHAPE };
}

/** Class names from `batches.meta.txt`: one a line, label order; blank lines ignored. */
export function parseCifarMeta(bytes: Uint8Array, file: string): string[] {
  const names = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length !== 10) throw new DataFormatError(file, `expected 10 class names, one a line, got ${names.length}`);
  return names;
}
