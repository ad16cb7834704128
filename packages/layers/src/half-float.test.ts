// F16 / BF16 rounding against PyTorch's `.half()` / `.bfloat16()` (where torch is installed) and
// by rules; a model saved as F16/BF16 safetensors loads back (and into PyTorch) as those values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, Rng } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { float32ToHalf, fromFloat16Bits, halfToFloat32, toBFloat16Bits, toFloat16Bits } from './half-float.js';
import { MLP } from './mlp.js';
import { decodeSafetensors } from './safetensors.js';
import { loadState, saveState, stateDict } from './state.js';

beforeAll(async () => {
  await initBackend();
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** Edge cases (ties, subnormals, overflow, ±0, ±inf, NaN) and random float32 values of every magnitude. */
function samples(): Float32Array {
  const edge = [0, -0, 1, -1, 65504, 65519, 65520, 1e5, -1e5, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -14, 2 ** -15 + 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38, 1e-40, Infinity, -Infinity, NaN, 0.1, 1 / 3];
  const rng = new Rng(5);
  const random = Array.from({ length: 3000 }, () => (rng.uniform() - 0.5) * 2 ** Math.floor(rng.uniform() * 60 - 30));
  return Float32Array.from([...edge, ...random]);
}

describe('F16 / BF16', () => {
  it('known values', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds to inf
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(toBFloat16Bits(1)).toBe(0x3f80);
    expect(toBFloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie to even
    expect(toBFloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(Number.isNaN(halfToFloat32(Uint16Array.of(toBFloat16Bits(NaN)), 'BF16')[0])).toBe(true);
  });

  it.skipIf(!hasTorch)("rounds every sample to the same bits as torch's .half() and .bfloat16()", () => {
    const x = samples();
    const dir = mkdtempSync(path.join(tmpdir(), 'backprop-half-'));
    try {
      const file = path.join(dir, 'x.f32');
      writeFileSync(file, new Uint8Array(x.buffer));
      const code = `import torch, sys, json
x = torch.frombuffer(bytearray(open(sys.argv[1], 'rb').read()), dtype=torch.float32)
print(json.dumps({'f16': x.half().view(torch.int16).tolist(), 'bf16': x.bfloat16().view(torch.int16).tolist()}))`;
      const r = spawnSync(PYTHON, ['-c', code, file], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const torch = JSON.parse(r.stdout) as { f16: number[]; bf16: number[] };
      const f16 = Array.from(float32ToHalf(x, 'F16'));
      const bf16 = Array.from(float32ToHalf(x, 'BF16'));
      const u16 = (v: number) => v & 0xffff;
      const nan = (i: number) => Number.isNaN(x[i]!);
      expect(f16.filter((b, i) => !nan(i) && b !== u16(torch.f16[i]!))).toEqual([]);
      expect(bf16.filter((b, i) => !nan(i) && b !== u16(torch.bf16[i]!))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['F16', 'BF16'] as const)('a model saved as %s loads back as the rounded values (and into PyTorch, where installed)', (dtype) => {
    const a = new MLP(8, [6], 3, { batchNorm: true, seed: 1 });
    const bytes = saveState(a, {}, { dtype });
    const file = decodeSafetensors(bytes);
    expect(file.tensors.get('layers.0.weight')!.dtype).toBe(dtype);
    expect(file.tensors.get('layers.2.num_batches_tracked')!.dtype).toBe('I64');
    const b = new MLP(8, [6], 3, { batchNorm: true, seed: 2 });
    loadState(b, bytes);
    const w = stateDict(a).get('layers.0.weight')!.data as Float32Array;
    expect(stateDict(b).get('layers.0.weight')!.data).toEqual(halfToFloat32(float32ToHalf(w, dtype), dtype));
    if (hasTorch) {
      const dir = mkdtempSync(path.join(tmpdir(), 'backprop-half-'));
      const p = path.join(dir, 'm.safetensors');
      writeFileSync(p, bytes);
      const code = `import sys, json, struct, torch
d = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', d[:8])[0]; h = json.loads(d[8:8+n]); i = h['layers.0.weight']
t = torch.frombuffer(bytearray(d[8+n+i['data_offsets'][0]:8+n+i['data_offsets'][1]]), dtype={'F16': torch.float16, 'BF16': torch.bfloat16}[i['dtype']])
print(json.dumps(t.float().tolist()))`;
      const r = spawnSync(PYTHON, ['-c', code, p], { encoding: 'utf8', timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
      expect(r.status, r.stderr).toBe(0);
      expect(Float32Array.from(JSON.parse(r.stdout) as number[])).toEqual(halfToFloat32(float32ToHalf(w, dtype), dtype));
    }
    a.dispose();
    b.dispose();
  });
});
