// The three engines the kernel tests compare (tests only): the backend's own on 2 threads (the build
// initBackend chose), the same build on 1 thread (whose results must match it bit for bit), and the
// mul+add build (the fallback where relaxed SIMD is missing).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { initBackend } from '../backend.js';
import { Engine, engineFor, useEngine } from './engine.js';

export interface TestEngines {
  twoThreads: Engine;
  oneThread: Engine;
  mulAdd: Engine;
}

/** Starts the wasm backend on 2 threads and the two extra engines on its heap. */
export async function startTestEngines(): Promise<TestEngines> {
  await initBackend({ threads: 2 });
  const twoThreads = engineFor(tf.backend());
  if (twoThreads == null || twoThreads.threads !== 2) {
    throw new Error(`startTestEngines: initBackend({ threads: 2 }) gave ${twoThreads == null ? 'no engine' : `an engine on ${twoThreads.threads} thread(s)`}`);
  }
  const backend = tf.backend() as BackendWasm;
  return {
    twoThreads,
    oneThread: await Engine.start(backend, { threads: 1, math: twoThreads.info.math }),
    mulAdd: await Engine.start(backend, { threads: 2, math: 'muladd' }),
  };
}

/** Makes the backend's own engine the active one again and stops the two extra ones. */
export function stopTestEngines({ twoThreads, oneThread, mulAdd }: TestEngines): void {
  useEngine(twoThreads);
  oneThread.close();
  mulAdd.close();
}

/** Bytes of the wasm heap: it only grows, so a leak of engine scratch or transforms shows as growth. */
export function wasmHeapBytes(): number {
  return ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
}
