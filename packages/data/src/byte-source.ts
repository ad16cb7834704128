// Every input a loader accepts, turned into a stream of byte chunks with a name for error
// messages. File paths need Node; the rest (ArrayBuffer, Uint8Array, Blob/File) work anywhere.
import { isNode } from './platform.js';

/** Something holding a whole file or archive: a path (Node only), its bytes, or a Blob/File. */
export type ByteSource = string | ArrayBuffer | Uint8Array | Blob;

/** Chunk size for paths and whole buffers: big enough to amortise per-chunk overhead. */
const CHUNK = 1 << 20;

/** A readable name for a source in error messages. */
export function sourceName(source: ByteSource): string {
  if (typeof source === 'string') return source;
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return 'name' in source && typeof source.name === 'string' && source.name ? source.name : '<blob>';
  }
  return source instanceof ArrayBuffer ? '<ArrayBuffer>' : '<Uint8Array>';
}

export function toUint8Array(bytes: ArrayBuffer | Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/** The source as a stream of chunks. Paths are streamed from disk, never read whole. */
export async function* readChunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    if (!isNode) throw new Error(`readChunks: file paths need Node; in a browser pass the file's ArrayBuffer or File, got "${source}"`);
    const fs = await import('node:fs');
    for await (const chunk of fs.createReadStream(source, { highWaterMark: CHUNK })) {
      const b = chunk as Buffer;
      yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    return;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const reader = source.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  const bytes = toUint8Array(source as ArrayBuffer | Uint8Array);
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, Math.min(at + CHUNK, bytes.length));
}

/**
 * Reads the first `n` bytes of a chunk stream (for format sniffing) and returns them with a
 * stream that still yields everything, those bytes included.
 */
export async function peek(chunks: AsyncIterator<Uint8Array>, n: number): Promise<{ head: Uint8Array; rest: AsyncGenerator<Uint8Array> }> {
  const seen: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await chunks.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    have += r.value.length;
  }
  const head = new Uint8Array(Math.min(n, have));
  let at = 0;
  for (const c of seen) {
    if (at >= head.length) break;
    const take = c.subarray(0, head.length - at);
    head.set(take, at);
    at += take.length;
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (done) return;
    for (;;) {
      const r = await chunks.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: rest() };
}

/** Bytes read so far of a source, and its size when known. */
export interface ReadProgress {
  read: number;
  total: number | undefined;
}

/** The size of a source in bytes, where it can be known without reading it. */
export async function sourceSize(source: ByteSource): Promise<number | undefined> {
  if (typeof source === 'string') {
    const fs = await import('node:fs/promises');
    return (await fs.stat(source).catch(() => null))?.size;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size;
  return (source as ArrayBuffer | Uint8Array).byteLength;
}

/** Passes chunks through, reporting the running byte count. */
export async function* withProgress(chunks: AsyncIterable<Uint8Array>, total: number | undefined, onProgress: (p: ReadProgress) => void, start = 0): AsyncGenerator<Uint8Array> {
  let read = start;
  for await (const c of chunks) {
    read += c.length;
    onProgress({ read, total });
    yield c;
  }
}

/** Collects a chunk stream into one buffer. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    parts.push(c);
    size += c.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when the bytes start with the gzip magic number. */
export const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
