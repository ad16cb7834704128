// The ConvNet fixture's weights, reproduced bit for bit from fixtures/torch_reference.py
// (hash_uniform / hash_value): 11M float32 values are a formula, not a committed file.
import type { Module } from '../module.js';
import type { SafetensorsTensor } from '../safetensors.js';
import { torchShape } from '../torch-layout.js';
import { shapeSize } from '@backprop/tensor';

/** FNV-1a, 32 bits, over the UTF-8 bytes of s. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** u[i] = lowbias32((i + fnv1a32(name)·0x9E3779B9) mod 2³²) / 2³², in float64. */
export function hashUniform(name: string, n: number): Float64Array {
  const base = Math.imul(fnv1a32(name), 0x9e3779b9) >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (base + i) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    x ^= x >>> 16;
    out[i] = (x >>> 0) / 4294967296;
  }
  return out;
}

/** The value rule by entry name, in PyTorch's layout (see hash_value in torch_reference.py). */
export function hashValue(name: string, shape: number[]): SafetensorsTensor {
  const n = shapeSize(shape);
  if (name.endsWith('num_batches_tracked')) return { dtype: 'I64', shape, data: new BigInt64Array(n).fill(7n) };
  const u = hashUniform(name, n);
  const out = new Float32Array(n);
  if (name.endsWith('running_mean')) for (let i = 0; i < n; i++) out[i] = 0.2 * (2 * u[i]! - 1);
  else if (name.endsWith('running_var')) for (let i = 0; i < n; i++) out[i] = 0.5 + u[i]!;
  else if (name.endsWith('weight') && shape.length === 1) for (let i = 0; i < n; i++) out[i] = 0.75 + 0.5 * u[i]!;
  else if (name.endsWith('weight')) {
    const s = Math.sqrt(shapeSize(shape.slice(1)));
    for (let i = 0; i < n; i++) out[i] = (2 * u[i]! - 1) / s;
  } else for (let i = 0; i < n; i++) out[i] = 0.2 * (2 * u[i]! - 1);
  return { dtype: 'F32', shape, data: out };
}

/** A full state dict of hash values for `module` (PyTorch names and layouts). */
export function hashState(module: Module): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const e of module.stateEntries()) out.set(e.name, hashValue(e.name, torchShape(e.variable.shape, e.layout)));
  return out;
}
