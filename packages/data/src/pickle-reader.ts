// The unpickler's state: a cursor over the bytes (little-endian reads that fail past the end),
// the value stack with its MARKs, and the memo. Every error names the file and the byte offset
// of the opcode being run.
import { DataFormatError } from './errors.js';
import { latin1, type PyValue } from './pickle-values.js';

export class PickleReader {
  private readonly view: DataView;
  /** The next byte to read. */
  pos = 0;
  /** Where the opcode being run starts: the offset errors report. */
  opAt = 0;
  readonly stack: PyValue[] = [];
  /** Stack heights at each open MARK. */
  readonly marks: number[] = [];
  readonly memo = new Map<number, PyValue>();
  /** Set by STOP: the unpickled value. */
  result: { value: PyValue } | null = null;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    throw new DataFormatError(this.file, problem, this.opAt);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail(`truncated pickle: needs ${n} more bytes, ${this.bytes.length - this.pos} left`);
  }

  /** Starts the next opcode: records its offset and returns it. */
  opcode(): number {
    this.opAt = this.pos;
    if (this.pos >= this.bytes.length) this.fail('truncated pickle: no STOP opcode');
    return this.bytes[this.pos++]!;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    return this.fixed(2, (at) => this.view.getUint16(at, true));
  }

  i32(): number {
    return this.fixed(4, (at) => this.view.getInt32(at, true));
  }

  u32(): number {
    return this.fixed(4, (at) => this.view.getUint32(at, true));
  }

  u64(): number {
    return this.fixed(8, (at) => Number(this.view.getBigUint64(at, true)));
  }

  /** BINFLOAT's float64 is big-endian, unlike every other number in the format. */
  f64BigEndian(): number {
    return this.fixed(8, (at) => this.view.getFloat64(at, false));
  }

  private fixed(n: number, read: (at: number) => number): number {
    this.need(n);
    const v = read(this.pos);
    this.pos += n;
    return v;
  }

  /** The next `n` bytes (a view, not a copy). */
  take(n: number): Uint8Array {
    if (n < 0) this.fail(`negative length ${n}`);
    this.need(n);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A newline-terminated latin-1 line (GLOBAL's module and name). */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated pickle: unterminated GLOBAL line');
    const s = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  push(v: PyValue): void {
    this.stack.push(v);
  }

  /** Pops one value; never past the innermost MARK. */
  pop(): PyValue {
    const mark = this.marks[this.marks.length - 1];
    if (this.stack.length === 0 || (mark != null && this.stack.length <= mark)) this.fail('pickle stack underflow');
    return this.stack.pop()!;
  }

  top(): PyValue {
    if (this.stack.length === 0) this.fail('pickle stack underflow');
    return this.stack[this.stack.length - 1]!;
  }

  mark(): void {
    this.marks.push(this.stack.length);
  }

  /** Everything pushed since the innermost MARK, which it closes. */
  popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m == null) this.fail('pickle MARK missing');
    return this.stack.splice(m);
  }
}
