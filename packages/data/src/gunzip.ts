// Streaming gunzip. Node uses node:zlib (native, and ~12% faster here than Node's
// DecompressionStream, which wraps it in web streams); browsers use DecompressionStream. Either
// way a truncated or corrupt stream becomes a DataFormatError naming the file.
import { isNode } from './platform.js';
import { DataFormatError } from './errors.js';

/** Counts the compressed bytes handed on, for error messages. */
class Counter {
  consumed = 0;
  async *wrap(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of chunks) {
      yield c;
      this.consumed += c.length;
    }
  }
}

function gunzipError(err: unknown, file: string, consumed: number): DataFormatError {
  if (err instanceof DataFormatError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  // File-system errors (ENOENT, EACCES, EISDIR, …) are not about the gzip data.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new DataFormatError(file, `cannot read the file (${msg})`);
  const truncated = /unexpected end|incomplete|truncat|premature/i.test(msg);
  // zlib's names for a failed trailer check: CRC-32 of the data, and its length mod 2^32 (ISIZE).
  const trailer = /incorrect (data|length) check/i.test(msg);
  return new DataFormatError(
    file,
    truncated
      ? `truncated gzip stream: the compressed data ends early, after ${consumed} bytes (download or copy it again)`
      : trailer
        ? `corrupt gzip stream: the data does not match the ${/length/i.test(msg) ? 'length (ISIZE)' : 'CRC-32'} in the gzip trailer, so some bytes were altered (download or copy it again)`
        : `corrupt gzip stream (${msg})`,
  );
}

/** Gunzip with node:zlib. */
export async function* gunzipNode(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  const counter = new Counter();
  try {
    const zlib = await import('node:zlib');
    const { Readable, pipeline } = await import('node:stream');
    const inflater = zlib.createGunzip({ chunkSize: 1 << 20 });
    // pipeline (unlike pipe) destroys the inflater on a source error, so it surfaces below.
    pipeline(Readable.from(counter.wrap(chunks), { objectMode: false }), inflater, () => {});
    for await (const c of inflater) {
      const b = c as Buffer;
      yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
  } catch (err) {
    throw gunzipError(err, file, counter.consumed);
  }
}

/** Gunzip with the web platform's DecompressionStream (browsers; Node has it too). */
export async function* gunzipWeb(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  const counter = new Counter();
  const source = counter.wrap(chunks);
  const input = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const r = await source.next();
        if (r.done) ctl.close();
        else ctl.enqueue(r.value);
      } catch (err) {
        ctl.error(err);
      }
    },
  });
  const reader = input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (err) {
    throw gunzipError(err, file, counter.consumed);
  } finally {
    reader.releaseLock();
  }
}

/** Decompresses a gzip chunk stream: node:zlib under Node, DecompressionStream elsewhere. */
export function gunzip(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  return isNode ? gunzipNode(chunks, file) : gunzipWeb(chunks, file);
}
