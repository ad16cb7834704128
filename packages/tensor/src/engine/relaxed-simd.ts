// Relaxed SIMD (f32x4.relaxed_madd → vfmadd231ps on x64) is on by default in Chromium; Node 20
// keeps it behind a V8 flag, which must be set before the module is compiled (it then reaches
// worker_threads too). Whether it is there is asked of the engine itself: WebAssembly.validate on
// the FMA build.
import { engineBinaries } from './wasm-binaries.generated.js';

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

export function decodeBase64(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

let flagTried = false;

/** Turns V8's relaxed-SIMD flag on under Node (no-op elsewhere, and after the first call). */
export async function enableRelaxedSimdFlag(): Promise<void> {
  if (flagTried || !isNode) return;
  flagTried = true;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // Not V8 (or no node:v8): the mul+add build is used.
  }
}

/** Whether this engine can compile the FMA build. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(decodeBase64(engineBinaries['fma-unshared']) as BufferSource);
  } catch {
    return false;
  }
}
