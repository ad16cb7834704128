import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from './errors.js';
import { bufferSink, TarReader, type TarMember } from './tar-reader.js';
import { FIXTURES } from './test-support/cifar-fixture.js';
import { makeTar } from './test-support/tar-writer.js';

/** Reads every member through a TarReader fed chunks of `chunkSize`. */
function readAll(tar: Uint8Array, chunkSize: number): { files: Map<string, Uint8Array>; members: TarMember[]; complete: boolean } {
  const files = new Map<string, Uint8Array>();
  const reader = new TarReader('test.tar', (m) => bufferSink(m.size, (data) => files.set(m.name, data)));
  for (let at = 0; at < tar.length; at += chunkSize) reader.push(tar.subarray(at, at + chunkSize));
  reader.end();
  return { files, members: reader.members, complete: reader.complete };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 255);

describe('TarReader', () => {
  const entries = [
    { name: 'dir/' },
    { name: 'dir/empty.txt', data: new Uint8Array(0) },
    { name: 'dir/one-block.bin', data: bytes(512, 7) },
    { name: 'dir/odd.bin', data: bytes(1300, 13) },
    // Longer than 100 bytes: written with the ustar prefix field.
    { name: `${'deep/'.repeat(30)}file.bin`, data: bytes(70, 5) },
  ];
  const tar = makeTar(entries);

  it('gives the same members whatever the chunking (1 byte … whole archive)', () => {
    for (const size of [1, 7, 511, 512, 513, 4096, tar.length]) {
      const { files, complete } = readAll(tar, size);
      expect(complete).toBe(true);
      for (const e of entries) if (e.data) expect(Buffer.from(files.get(e.name)!).equals(Buffer.from(e.data))).toBe(true);
      expect(files.size).toBe(4);
    }
  });

  it('lists every member with its size, type and data offset', () => {
    const { members } = readAll(tar, 1000);
    expect(members.map((m) => [m.name, m.size, m.type])).toEqual([
      ['dir/', 0, '5'],
      ['dir/empty.txt', 0, '0'],
      ['dir/one-block.bin', 512, '0'],
      ['dir/odd.bin', 1300, '0'],
      [`${'deep/'.repeat(30)}file.bin`, 70, '0'],
    ]);
    const odd = members[3]!;
    expect(Buffer.from(tar.subarray(odd.offset, odd.offset + 1300)).equals(Buffer.from(entries[3]!.data!))).toBe(true);
  });

  it('skips members nobody wants without reading them into memory', () => {
    const seen: string[] = [];
    const reader = new TarReader('t.tar', (m) => {
      seen.push(m.name);
      return null;
    });
    reader.push(tar);
    reader.end();
    expect(seen).toEqual(['dir/empty.txt', 'dir/one-block.bin', 'dir/odd.bin', `${'deep/'.repeat(30)}file.bin`]);
  });

  it('reads GNU long names (Python tarfile, GNU format) and pax paths', () => {
    for (const [archive, longName] of [
      ['cifar-10-python.tar.gz', /^cifar-10-batches-py\/(a-member-name-longer-than-the-hundred-bytes-a-tar-header-holds-){2}\.txt$/],
      ['cifar-10-binary-pax.tar.gz', /^cifar-10-batches-bin\/(another-member-name-longer-than-a-tar-header-holds-){3}\.txt$/],
    ] as const) {
      const { files } = readAll(new Uint8Array(gunzipSync(readFileSync(path.join(FIXTURES, archive)))), 4096);
      const long = [...files.keys()].find((n) => longName.test(n));
      expect(long, archive).toBeDefined();
      expect(new TextDecoder().decode(files.get(long!)!)).toBe('long name\n');
    }
  });

  it('reads GNU base-256 sizes', () => {
    const t = makeTar([{ name: 'f.bin', data: bytes(600, 3) }]);
    // Rewrite the size field as base-256 (high bit set) and fix the checksum.
    t.fill(0, 124, 136);
    t[124] = 0x80;
    t[134] = 600 >> 8;
    t[135] = 600 & 255;
    t.fill(32, 148, 156);
    const sum = t.subarray(0, 512).reduce((a, b) => a + b, 0);
    new TextEncoder().encodeInto(`${sum.toString(8).padStart(6, '0')}\0 `, t.subarray(148, 156));
    expect(readAll(t, 100).files.get('f.bin')!.length).toBe(600);
  });

  it('rejects a corrupt header, naming the archive and the offset', () => {
    const bad = tar.slice();
    bad[1024 + 10]! ^= 0x55; // headers: dir/ at 0, empty.txt at 512, one-block.bin at 1024
    expect(() => readAll(bad, 4096)).toThrowError(/test\.tar: corrupt tar header \(checksum \d+ stored, \d+ computed\) \(at byte offset 1024\)/);
    expect(() => readAll(new Uint8Array(1024).fill(65), 512)).toThrowError(/not a tar archive/);
  });

  it('says where a truncated archive stops', () => {
    try {
      readAll(tar.subarray(0, 1536 + 100), 300);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataFormatError);
      expect((err as DataFormatError).offset).toBe(1636);
      expect((err as Error).message).toMatch(/member "dir\/one-block\.bin" declares 512 bytes but the archive ends after 100 of them/);
    }
  });
});
