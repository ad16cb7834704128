// State save/load with PyTorch's names, layouts and dtypes, so that a Backprop model's file loads
// into the PyTorch reference with `load_state_dict` and back. Conv weights are written as
// [out, in, kh, kw]; num_batches_tracked as I64.
import { shapeStr, tf } from '@backprop/tensor';
import type { Module, StateEntry } from './module.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { float32ToHalf, halfToFloat32 } from './half-float.js';
import { fromTorchLayout, toTorchLayout, torchShape } from './torch-layout.js';

/** Every parameter and buffer, copied out in PyTorch's layout and dtype, PyTorch's `state_dict()`. */
export function stateDict(module: Module): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const e of module.stateEntries()) {
    const shape = torchShape(e.variable.shape, e.layout);
    if (e.variable.dtype === 'int32') {
      const values = e.variable.dataSync() as Int32Array;
      out.set(e.name, { dtype: 'I64', shape, data: BigInt64Array.from(values, (v) => BigInt(v)) });
    } else {
      const t = toTorchLayout(e.variable, e.layout);
      const data = Float32Array.from(t.dataSync() as Float32Array);
      t.dispose();
      out.set(e.name, { dtype: 'F32', shape, data });
    }
  }
  return out;
}

export interface LoadStateOptions {
  /** Require the keys to match exactly (PyTorch's default). With false, missing and unexpected keys are skipped. */
  strict?: boolean;
}

export interface LoadStateResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function valuesFor(e: StateEntry, t: SafetensorsTensor): Float32Array | Int32Array {
  if (e.variable.dtype === 'int32') {
    if (t.dtype === 'I32') return t.data as Int32Array;
    if (t.dtype === 'I64') {
      const src = t.data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > 2147483647n || v < -2147483648n) throw new Error(`loadState: '${e.name}' holds ${v}, outside the int32 range it is stored in`);
        out[i] = Number(v);
      }
      return out;
    }
    throw new Error(`loadState: '${e.name}' must be I64 or I32, got ${t.dtype}`);
  }
  if (t.dtype === 'F32') return t.data as Float32Array;
  if (t.dtype === 'F64') return Float32Array.from(t.data as Float64Array);
  if (t.dtype === 'F16' || t.dtype === 'BF16') return halfToFloat32(t.data as Uint16Array, t.dtype); // widened exactly
  throw new Error(`loadState: '${e.name}' must be F32 (or F64, F16, BF16), got ${t.dtype}`);
}

/**
 * Loads PyTorch-named, PyTorch-layout tensors into `module`. Everything is checked before anything
 * is written: missing or unexpected keys (strict) and shape mismatches are one error naming each.
 */
export function loadStateDict(module: Module, tensors: Map<string, SafetensorsTensor>, { strict = true }: LoadStateOptions = {}): LoadStateResult {
  const entries = module.stateEntries();
  const known = new Set(entries.map((e) => e.name));
  const missingKeys = entries.filter((e) => !tensors.has(e.name)).map((e) => e.name);
  const unexpectedKeys = [...tensors.keys()].filter((k) => !known.has(k));
  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`Missing key(s): ${missingKeys.join(', ')}`);
  if (strict && unexpectedKeys.length > 0) problems.push(`Unexpected key(s): ${unexpectedKeys.join(', ')}`);
  const writes: Array<[StateEntry, Float32Array | Int32Array, number[]]> = [];
  for (const e of entries) {
    const t = tensors.get(e.name);
    if (t == null) continue;
    const expected = torchShape(e.variable.shape, e.layout);
    if (shapeStr(expected) !== shapeStr(t.shape)) {
      problems.push(`size mismatch for ${e.name}: expected ${shapeStr(expected)}, got ${shapeStr(t.shape)}`);
      continue;
    }
    try {
      writes.push([e, valuesFor(e, t), expected]);
    } catch (err) {
      problems.push((err as Error).message.replace(/^loadState: /, ''));
    }
  }
  if (problems.length > 0) throw new Error(`loadState: ${problems.join('; ')}`);
  for (const [e, values, shape] of writes) {
    tf.tidy(() => e.variable.assign(fromTorchLayout(tf.tensor(values, shape, e.variable.dtype), e.layout)));
  }
  return { missingKeys, unexpectedKeys };
}

export interface SaveStateOptions {
  /** Float tensors as F32 (default), or rounded to F16 / BF16 as PyTorch's `.half()` / `.bfloat16()` (integers stay I64). */
  dtype?: 'F32' | 'F16' | 'BF16';
}

/** `tensors` with every F32 tensor rounded to `dtype` (F16 or BF16, round to nearest even); others as they are. */
export function castState(tensors: Map<string, SafetensorsTensor>, dtype: 'F16' | 'BF16'): Map<string, SafetensorsTensor> {
  if (dtype !== 'F16' && dtype !== 'BF16') throw new Error(`castState: dtype must be 'F16' or 'BF16', got '${String(dtype)}'`);
  return new Map([...tensors].map(([name, t]) => [name, t.dtype === 'F32' ? { dtype, shape: t.shape, data: float32ToHalf(t.data as Float32Array, dtype) } : t]));
}

/** The module's state as a safetensors file (PyTorch names, layouts and dtypes; floats as `dtype`). */
export function saveState(module: Module, metadata: Record<string, string> = {}, { dtype = 'F32' }: SaveStateOptions = {}): Uint8Array {
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new Error(`saveState: dtype must be 'F32', 'F16' or 'BF16', got '${String(dtype)}'`);
  const state = stateDict(module);
  return encodeSafetensors(dtype === 'F32' ? state : castState(state, dtype), metadata);
}

/** Loads a safetensors file written by `saveState` or by PyTorch (see fixtures/torch_reference.py). */
export function loadState(module: Module, bytes: Uint8Array, options: LoadStateOptions = {}): LoadStateResult {
  return loadStateDict(module, decodeSafetensors(bytes).tensors, options);
}
