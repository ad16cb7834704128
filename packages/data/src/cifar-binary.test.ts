import { describe, expect, it } from 'vitest';
import { CifarRecordWriter, parseCifarBinary, parseCifarMeta } from './cifar-binary.js';
import { DataFormatError } from './errors.js';
import { binaryBatch, fixtureSplit } from './test-support/cifar-fixture.js';

describe('CIFAR-10 binary records', () => {
  const split = fixtureSplit(5, 4);
  const file = binaryBatch(split);

  it('splits labels from pixels', () => {
    const s = parseCifarBinary(file, 'b.bin');
    expect(s.length).toBe(4);
    expect([...s.labels]).toEqual([...split.labels]);
    expect(Buffer.from(s.images).equals(Buffer.from(split.images))).toBe(true);
  });

  it('streams records split across chunks at any point', () => {
    for (const size of [1, 2, 3072, 3073, 3074, 5000]) {
      const images = new Uint8Array(6 * 3072);
      const labels = new Uint8Array(6);
      const w = new CifarRecordWriter(images, labels, 2, 'b.bin', file.length);
      for (let at = 0; at < file.length; at += size) w.write(file.subarray(at, at + size));
      w.end();
      expect(Buffer.from(images.subarray(2 * 3072)).equals(Buffer.from(split.images))).toBe(true);
      expect([...labels]).toEqual([0, 0, ...split.labels]);
    }
  });

  it('rejects sizes that are not whole records, labels above 9, and empty files', () => {
    expect(() => parseCifarBinary(file.subarray(0, 3073 * 2 + 5), 'b.bin')).toThrowError(
      /^b\.bin: size 6151 bytes is not a multiple of the 3073-byte record \(2 whole records and 5 bytes over.*\(at byte offset 6146\)$/,
    );
    const bad = file.slice();
    bad[3 * 3073] = 10;
    expect(() => parseCifarBinary(bad, 'b.bin')).toThrowError('b.bin: label byte 10 of record 3 is out of range 0–9 (at byte offset 9219)');
    expect(() => parseCifarBinary(new Uint8Array(0), 'b.bin')).toThrowError(DataFormatError);
    const w = new CifarRecordWriter(new Uint8Array(3072 * 2), new Uint8Array(2), 0, 'c.bin', 3073 * 2);
    w.write(file.subarray(0, 3073));
    expect(() => w.end()).toThrowError(/c\.bin: truncated: 3073 of 6146 bytes/);
  });

  it('reads batches.meta.txt class names and insists on ten', () => {
    expect(parseCifarMeta(new TextEncoder().encode('a\r\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n'), 'm')).toHaveLength(10);
    expect(() => parseCifarMeta(new TextEncoder().encode('a\nb\n'), 'm.txt')).toThrowError('m.txt: expected 10 class names, one a line, got 2');
  });
});
