import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCifarPickle, parseCifarPickleMeta } from './cifar-pickle.js';
import { DataFormatError } from './errors.js';
import { dictGet, isNdArray, unpickle } from './pickle.js';
import { FIXTURES, fixtureSplit } from './test-support/cifar-fixture.js';

const fixture = (...parts: string[]) => new Uint8Array(readFileSync(path.join(FIXTURES, ...parts)));

describe('unpickle', () => {
  it('reads a CIFAR-10 batch as Python 2 cPickle wrote it (protocol 2, byte strings)', () => {
    const d = unpickle(fixture('cifar-10-batches-py', 'data_batch_1'), 'data_batch_1');
    expect(d).toBeInstanceOf(Map);
    expect([...(d as Map<string, unknown>).keys()]).toEqual(['batch_label', 'labels', 'data', 'filenames']);
    expect(dictGet(d, 'labels', 'f')).toEqual([1, 4, 7]);
    const data = dictGet(d, 'data', 'f');
    expect(isNdArray(data) && { shape: data.shape, dtype: data.dtype, n: data.data.length }).toEqual({ shape: [3, 3072], dtype: 'u1', n: 9216 });
  });

  it('reads the same batch pickled by Python 3 at protocols 2 (_codecs.encode), 4 and 5 (_frombuffer, int64 labels)', () => {
    const expected = fixtureSplit(0, 3);
    for (const p of [2, 4, 5]) {
      const s = parseCifarPickle(fixture('pickle-variants', `py3-protocol${p}.pkl`), `p${p}`);
      expect([...s.labels], `protocol ${p}`).toEqual([...expected.labels]);
      expect(Buffer.from(s.images).equals(Buffer.from(expected.images)), `protocol ${p}`).toBe(true);
    }
  });

  it('reads label names from batches.meta', () => {
    expect(parseCifarPickleMeta(fixture('cifar-10-batches-py', 'batches.meta'), 'm')).toEqual([
      'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
    ]);
  });

  it('reads small hand-made pickles: ints of every width, None, bools, floats, nested lists', () => {
    // pickle.dumps({'a': [1, 300, -2, 70000, None, True, False, 1.5, 2**70]}, protocol=2).hex()
    const hex =
      '80027d710058010000006171015d7102284b014d2c014afeffffff4a70110100' +
      '4e8889473ff80000000000008a0900000000000000004065732e';
    const d = unpickle(Uint8Array.from(Buffer.from(hex, 'hex')), 'h');
    expect(dictGet(d, 'a', 'h')).toEqual([1, 300, -2, 70000, null, true, false, 1.5, 2n ** 70n]);
  });

  it('refuses anything it would have to execute, and says what and where', () => {
    // cos\nsystem\n (S'ls'\ntR.  — the classic malicious pickle.
    const evil = Uint8Array.from(Buffer.from('\x80\x02cos\nsystem\nq\x00U\x02lsq\x01\x85q\x02Rq\x03.', 'latin1'));
    expect(() => unpickle(evil, 'evil.pkl')).toThrowError(/^evil\.pkl: unsupported pickle global os\.system.*\(at byte offset 2\)$/);
  });

  it('an unknown opcode is an error naming the opcode and its byte offset', () => {
    // PROTO 2, EMPTY_DICT, BINPUT 0, then 0xff (no such opcode) at byte 5.
    const bad = Uint8Array.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0xff]);
    expect(() => unpickle(bad, 'bad.pkl')).toThrowError(/^bad\.pkl: unsupported pickle opcode 0xff \('ÿ'\): only the binary protocols \(1–5\).* \(at byte offset 5\)$/);
  });

  it('reports truncated pickles, protocol-0 text pickles, and a missing key', () => {
    const good = fixture('cifar-10-batches-py', 'data_batch_1');
    expect(() => unpickle(good.subarray(0, 5000), 'cut')).toThrowError(/^cut: truncated pickle/);
    expect(() => unpickle(new TextEncoder().encode("(dp0\nS'data'\np1\n."), 'old')).toThrowError(/^old: unsupported pickle opcode 0x64 \('d'\).*\(at byte offset 1\)$/);
    const meta = fixture('cifar-10-batches-py', 'batches.meta');
    expect(() => parseCifarPickle(meta, 'batches.meta')).toThrowError(DataFormatError);
    expect(() => parseCifarPickle(meta, 'batches.meta')).toThrowError(/the pickled dict has no "data" entry \(keys: num_cases_per_batch, label_names, num_vis\)/);
  });
});
