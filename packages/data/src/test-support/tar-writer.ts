// Test helper: writes POSIX ustar archives, so tests can build CIFAR-10 archives of any shape
// (and break them on purpose). The fixtures made by Python's tarfile and the real archive cover
// the GNU and pax variants.
import { gzipSync } from 'node:zlib';

export interface TarInput {
  name: string;
  /** File contents; omitted for a directory. */
  data?: Uint8Array;
}

function field(h: Uint8Array, at: number, len: number, value: string): void {
  for (let i = 0; i < value.length && i < len; i++) h[at + i] = value.charCodeAt(i);
}

const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0');

export function makeTar(entries: readonly TarInput[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    const h = new Uint8Array(512);
    const dir = e.data == null;
    let name = e.name;
    let prefix = '';
    if (name.length > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    field(h, 0, 100, name);
    field(h, 100, 8, `${octal(dir ? 0o755 : 0o644, 8)}\0`);
    field(h, 108, 8, `${octal(0, 8)}\0`);
    field(h, 116, 8, `${octal(0, 8)}\0`);
    field(h, 124, 12, `${octal(e.data?.length ?? 0, 12)}\0`);
    field(h, 136, 12, `${octal(1262304000, 12)}\0`);
    field(h, 148, 8, '        ');
    h[156] = (dir ? '5' : '0').charCodeAt(0);
    field(h, 257, 6, 'ustar\0');
    field(h, 263, 2, '00');
    field(h, 345, 155, prefix);
    let sum = 0;
    for (const b of h) sum += b;
    field(h, 148, 8, `${octal(sum, 7)}\0 `);
    blocks.push(h);
    if (e.data) {
      const padded = new Uint8Array(Math.ceil(e.data.length / 512) * 512);
      padded.set(e.data);
      blocks.push(padded);
    }
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export const gzip = (bytes: Uint8Array): Uint8Array => new Uint8Array(gzipSync(bytes));
