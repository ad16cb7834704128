import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { readFixture } from './testing/fixtures.js';

const tensors = new Map<string, SafetensorsTensor>([
  ['a.weight', { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) }],
  ['a.count', { dtype: 'I64', shape: [], data: BigInt64Array.from([7n]) }],
  ['b', { dtype: 'I32', shape: [2], data: Int32Array.from([-1, 2]) }],
  ['c', { dtype: 'F64', shape: [1], data: Float64Array.from([Math.PI]) }],
]);

describe('safetensors', () => {
  it('writes the format: u64 LE header length, JSON header padded to 8 bytes, contiguous LE data', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['a.count']).toEqual({ dtype: 'I64', shape: [], data_offsets: [24, 32] });
    expect(header.b.data_offsets).toEqual([32, 40]);
    expect(bytes.length).toBe(8 + n + 48);
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 20, true)).toBe(6.5);
  });

  it('round-trips every dtype, shape and the metadata', () => {
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { k: 'v' }));
    expect(metadata).toEqual({ k: 'v' });
    expect([...back.keys()]).toEqual([...tensors.keys()]);
    for (const [name, t] of tensors) {
      expect(back.get(name)!.dtype).toBe(t.dtype);
      expect(back.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(back.get(name)!.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    }
  });

  it('reads files written by the PyTorch script', () => {
    const file = readFixture('mlp_weights.safetensors');
    expect(file.metadata.model).toBe('mlp');
    expect(file.tensors.get('layers.0.weight')!.shape).toEqual([100, 3072]);
    expect(file.tensors.get('layers.2.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [] });
    expect(file.tensors.get('layers.2.num_batches_tracked')!.data[0]).toBe(5n);
  });

  it('refuses malformed files with a reason', () => {
    const good = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(good.subarray(0, 4))).toThrow(/too short/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1))).toThrow(/past the data|cover/);
    const bad = good.slice();
    new DataView(bad.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(bad)).toThrow(/header length .* exceeds the file/);
    const json = (h: object) => {
      const text = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + text.length + 8);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      return out;
    };
    expect(() => decodeSafetensors(json({ x: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }))).toThrow(/'x' has dtype 'F8_E4M3', supported: F32, F64, I32, I64, F16, BF16/);
    expect(() => decodeSafetensors(json({ x: { dtype: 'BF16', shape: [4], data_offsets: [0, 16] } }))).toThrow(/'x' spans 16 bytes, expected 8 for BF16 \[4\]/);
    expect(() => decodeSafetensors(json({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }))).toThrow(/'x' spans 8 bytes, expected 12/);
    expect(() => decodeSafetensors(json({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }))).toThrow(/starts at byte 4, expected 0/);
    expect(() => encodeSafetensors({ x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(/shape \[3\] \(3 values\) but 2 values/);
    expect(() => encodeSafetensors({ x: { dtype: 'I64', shape: [1], data: new Float32Array(1) } })).toThrow(/is I64 but its data is a Float32Array/);
  });
});
