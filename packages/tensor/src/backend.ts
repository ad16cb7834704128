import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';
import { allowWasmThreads } from './wasm-thread-cap.js';

/** Which backend runs the math, whether WASM SIMD is on, and how many threads it uses. */
export interface BackendInfo {
  backend: string;
  simd: boolean;
  threads: number;
}

export interface InitBackendOptions {
  /** 'wasm' (default; SIMD, Backprop's training kernels) or 'cpu' (tfjs's plain JS reference). */
  backend?: 'wasm' | 'cpu';
  /**
   * WASM threads. Only honoured where the platform allows them (a cross-origin isolated page);
   * then exactly this many, even past tfjs's own cap of half the logical cores (wasm-thread-cap.ts).
   */
  threads?: number;
  /**
   * Where the `.wasm` binaries are served from: a prefix ending in '/' or a map from file name
   * (`tfjs-backend-wasm-simd.wasm`, …) to URL. Bundlers pass `?url` imports here; Node finds the
   * files itself.
   */
  wasmPaths?: string | Record<string, string>;
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

let wasmPathsSet = false;

async function locateWasmFilesForNode(): Promise<void> {
  // A tsup build copies the binaries beside the bundle; from sources (vitest) tfjs finds its own.
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const here = new URL('./', import.meta.url);
  if (here.protocol === 'file:' && existsSync(fileURLToPath(new URL('tfjs-backend-wasm-simd.wasm', here)))) {
    setWasmPaths(fileURLToPath(here));
  }
}

/**
 * Selects and initialises the backend. Call once before any tensor work; calling again with
 * the same options is cheap. Node gets one WASM thread: tfjs-backend-wasm turns threads off
 * under Node (its pthread build needs browser Workers).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`initBackend: options.backend must be 'wasm' or 'cpu', got '${String(backend)}'`);
  }
  if (backend === 'wasm' && !wasmPathsSet) {
    if (options.wasmPaths != null) setWasmPaths(options.wasmPaths as string);
    else if (isNode) await locateWasmFilesForNode();
    if (options.threads != null) {
      if (!Number.isInteger(options.threads) || options.threads < 1) {
        throw new Error(`initBackend: options.threads must be a positive integer, got ${options.threads}`);
      }
      setThreadsCount(options.threads);
      if (!isNode) allowWasmThreads(options.threads);
    }
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`initBackend: the '${backend}' backend failed to initialise`);
  }
  await tf.ready();
  if (backend === 'cpu') return { backend, simd: false, threads: 1 };
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { backend, simd, threads: getThreadsCount() };
}
