// A streaming tar reader: push chunks in, get back the members you asked for. Understands the
// formats real archives use — POSIX ustar, GNU (`ustar  `, long names in 'L' entries, base-256
// sizes) and pax ('x' headers with `path=`/`size=`) — and verifies every header's checksum.
// Wanted members stream into sinks as they pass; the rest are skipped without being held.
import { DataFormatError } from './errors.js';

const BLOCK = 512;

/** Receives a wanted member's data as it streams by. */
export interface MemberSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** A sink that buffers the whole member, then hands it over. */
export function bufferSink(size: number, done: (data: Uint8Array) => void): MemberSink {
  const data = new Uint8Array(size);
  let fill = 0;
  return {
    write(chunk) {
      data.set(chunk, fill);
      fill += chunk.length;
    },
    end: () => done(data),
  };
}

export interface TarMember {
  /** Path inside the archive, without a leading './'. */
  name: string;
  size: number;
  /** '0' file, '5' directory, … (the ustar type flag; '\0' is read as '0'). */
  type: string;
  /** Byte offset of the member's data in the (uncompressed) tar stream. */
  offset: number;
}

const decoder = new TextDecoder();

function cString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return decoder.decode(block.subarray(start, end));
}

function octal(block: Uint8Array, start: number, length: number): number {
  // GNU base-256: high bit of the first byte set, the rest a big-endian number.
  if ((block[start]! & 0x80) !== 0) {
    let v = block[start]! & 0x7f;
    for (let i = start + 1; i < start + length; i++) v = v * 256 + block[i]!;
    return v;
  }
  const s = cString(block, start, length).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

const isZeroBlock = (block: Uint8Array): boolean => {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
};

/** Parses pax extended-header records: "<len> <key>=<value>\n" repeated. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = decoder.decode(data);
  let at = 0;
  while (at < text.length) {
    const sp = text.indexOf(' ', at);
    if (sp < 0) break;
    const len = parseInt(text.slice(at, sp), 10);
    if (!(len > 0)) break;
    const record = text.slice(sp + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

export class TarReader {
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Position in the tar stream. */
  private pos = 0;
  /** Bytes of the current member's data still to come, then its padding. */
  private dataLeft = 0;
  private padLeft = 0;
  private current: TarMember | null = null;
  private sink: MemberSink | null = null;
  /** A GNU 'L' or pax 'x' entry being read, and what it says about the next member. */
  private metaKind: 'L' | 'x' | null = null;
  private nextName: string | null = null;
  private nextSize: number | null = null;
  private ended = false;
  /** Members seen (name → member), wanted or not. */
  readonly members: TarMember[] = [];

  constructor(
    /** The archive's name, for error messages. */
    private readonly archive: string,
    /** A sink for each member to read, or null to skip it. */
    private readonly want: (member: TarMember) => MemberSink | null,
  ) {}

  /** True once the end-of-archive marker (a zero block) was read. */
  get complete(): boolean {
    return this.ended;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, chunk.length - at);
        this.sink?.write(chunk.subarray(at, at + take));
        this.dataLeft -= take;
        at += take;
        this.pos += take;
        if (this.dataLeft === 0) this.finishMember();
      } else if (this.padLeft > 0) {
        const take = Math.min(this.padLeft, chunk.length - at);
        this.padLeft -= take;
        at += take;
        this.pos += take;
      } else {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + take), this.headerFill);
        this.headerFill += take;
        at += take;
        this.pos += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.readHeader(this.pos - BLOCK);
        }
      }
    }
  }

  /** Call after the last chunk: throws if the archive stops inside a header or a member. */
  end(): void {
    if (this.ended) return;
    if (this.dataLeft > 0 && this.current) {
      const got = this.current.size - this.dataLeft;
      throw new DataFormatError(
        this.archive,
        `truncated tar archive: member "${this.current.name}" declares ${this.current.size} bytes but the archive ends after ${got} of them`,
        this.pos,
      );
    }
    if (this.headerFill > 0) {
      throw new DataFormatError(this.archive, `truncated tar archive: it ends inside a 512-byte header (${this.headerFill} bytes of it present)`, this.pos);
    }
    // Ending exactly between members, without the zero-block marker, is tolerated: callers
    // check that every member they need was found and say so if not.
  }

  private readHeader(offset: number): void {
    const h = this.header;
    if (isZeroBlock(h)) {
      this.ended = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    const stored = octal(h, 148, 8);
    if (stored !== sum) {
      throw new DataFormatError(
        this.archive,
        offset === 0
          ? 'not a tar archive (the first 512-byte header fails its checksum)'
          : `corrupt tar header (checksum ${stored} stored, ${sum} computed)`,
        offset,
      );
    }
    let type = String.fromCharCode(h[156]!);
    if (type === '\0') type = '0';
    let size = octal(h, 124, 12);
    let name = cString(h, 0, 100);
    const magic = cString(h, 257, 6);
    // POSIX ustar has a name prefix; GNU's "ustar  " uses those bytes for other things.
    if (magic === 'ustar' && h[262] === 0) {
      const prefix = cString(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (this.nextName != null) name = this.nextName;
    if (this.nextSize != null) size = this.nextSize;
    const dataOffset = offset + BLOCK;
    const isMeta = type === 'L' || type === 'x' || type === 'g' || type === 'K';
    if (!isMeta) {
      this.nextName = null;
      this.nextSize = null;
    }
    name = name.replace(/^\.\//, '');
    const member: TarMember = { name, size, type, offset: dataOffset };
    // Directories and links carry no data even where a size is written.
    if (type === '1' || type === '2' || type === '5') member.size = size = 0;
    this.current = member;
    this.metaKind = type === 'L' ? 'L' : type === 'x' ? 'x' : null;
    this.sink = null;
    if (this.metaKind) {
      this.sink = bufferSink(size, (data) => this.readMeta(data));
    } else if (!isMeta) {
      this.members.push(member);
      if (type === '0' || type === '7') this.sink = this.want(member);
    }
    this.dataLeft = size;
    this.padLeft = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.finishMember();
  }

  private finishMember(): void {
    const sink = this.sink;
    this.sink = null;
    sink?.end();
    this.metaKind = null;
  }

  private readMeta(data: Uint8Array): void {
    if (this.metaKind === 'L') {
      this.nextName = cString(data, 0, data.length);
    } else {
      const records = paxRecords(data);
      const path = records.get('path');
      const size = records.get('size');
      if (path != null) this.nextName = path;
      if (size != null) this.nextSize = Number(size);
    }
  }
}

/** Runs a chunk stream through a TarReader; returns the members seen and whether the end marker came. */
export async function readTar(
  chunks: AsyncIterable<Uint8Array>,
  archive: string,
  want: (member: TarMember) => MemberSink | null,
): Promise<{ members: TarMember[]; complete: boolean }> {
  const reader = new TarReader(archive, want);
  // Read to the very end, past the end-of-archive marker: a gzip stream's CRC-32 and length are
  // checked only when its trailer is reached, so stopping at the marker would accept an archive
  // whose last bytes are missing or whose data has a flipped bit. (The reader ignores what follows
  // the marker; the trailing padding is a few KiB.)
  for await (const chunk of chunks) reader.push(chunk);
  reader.end();
  return { members: reader.members, complete: reader.complete };
}
