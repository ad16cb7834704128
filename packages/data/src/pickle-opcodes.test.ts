import { describe, expect, it } from 'vitest';
import { OPCODES } from './pickle-opcodes.js';
import { PickleReader } from './pickle-reader.js';

/** Runs opcodes (by name, each with its argument bytes) on a fresh reader. */
function runOps(...ops: Array<[string, ...number[]]>): PickleReader {
  const byName = new Map([...OPCODES].map(([code, op]) => [op.name, code]));
  const bytes = ops.flatMap(([name, ...args]) => [byName.get(name)!, ...args]);
  const r = new PickleReader(Uint8Array.from(bytes), 'ops');
  while (r.pos < bytes.length && r.result == null) OPCODES.get(r.opcode())!.run(r);
  return r;
}

describe('the opcode table', () => {
  it('has one entry per opcode byte, each with a distinct name', () => {
    const names = [...OPCODES.values()].map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    expect(OPCODES.get(0x2e)?.name).toBe('STOP');
  });

  it('builds dicts, lists and tuples', () => {
    const r = runOps(['EMPTY_DICT'], ['SHORT_BINUNICODE', 1, 0x6b], ['MARK'], ['BININT1', 1], ['BININT1', 2], ['TUPLE'], ['SETITEM'], ['STOP']);
    expect(r.result?.value).toEqual(new Map([['k', [1, 2]]]));
  });

  it('the memo returns what was put', () => {
    const r = runOps(['EMPTY_LIST'], ['BINPUT', 7], ['BINGET', 7], ['TUPLE2']);
    expect(r.stack).toEqual([[[], []]]);
    expect(() => runOps(['BINGET', 3])).toThrowError('pickle memo entry 3 missing (at byte offset 0)');
  });

  it('POP closes an empty MARK, else pops one value', () => {
    expect(runOps(['MARK'], ['POP']).marks).toEqual([]);
    expect(runOps(['NONE'], ['NEWTRUE'], ['POP']).stack).toEqual([null]);
  });

  it('container ops check what they act on, naming the opcode', () => {
    expect(() => runOps(['NONE'], ['NONE'], ['APPEND'])).toThrowError('APPEND to something that is not a list (at byte offset 2)');
    expect(() => runOps(['EMPTY_LIST'], ['NONE'], ['NONE'], ['SETITEM'])).toThrowError('SETITEM on something that is not a dict');
  });
});
