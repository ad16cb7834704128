/// <reference path="./tfjs-wasm-out.d.ts" />
// WASM threads under Node. tfjs-backend-wasm turns them off there (tfjs issue #3830): its loader
// hands emscripten the pthread worker and the main script as Blob URLs, which Node's
// worker_threads cannot start. The threaded SIMD build itself does support Node (emscripten's
// pthreads run on worker_threads), so this starts that build with real files instead:
//   - the worker script (tfjs ships it as a string) is written to a temporary folder, because
//     `new Worker(path)` needs a file; the folder is removed once the pool has started;
//   - each worker loads the main script (`importScripts`, a read + eval) from the untouched
//     `wasm-out/tfjs-backend-wasm-threaded-simd.js` in the installed tfjs-backend-wasm package.
//     Not `factory.toString()` as tfjs does in browsers: bundlers rewrite its `require` calls.
// The resulting module is wrapped in tfjs's own BackendWasm and registered as 'wasm', so every
// kernel (tfjs's and Backprop's) runs on it unchanged.
//
// XNNPACK splits each GEMM/conv over output tiles, never over the reduction, so results are
// bit-identical for any thread count (scripts/pack-check.mjs compares 1 and 2 threads).
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as threadedFactoryImport from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import { wasmWorkerContents } from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
import { tf } from './tf.js';

const MAIN_SCRIPT = 'tfjs-backend-wasm-threaded-simd.js';
const BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

interface EmscriptenWorker {
  unref(): void;
}

/** The parts of the emscripten module this file and BackendWasm use. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: EmscriptenWorker[]; unusedWorkers: EmscriptenWorker[] };
  tfjs?: Record<string, unknown>;
}

type ThreadedFactory = (config: {
  locateFile(path: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
}) => Promise<ThreadedModule>;

const threadedFactory = ((threadedFactoryImport as unknown as { default?: ThreadedFactory }).default ??
  threadedFactoryImport) as unknown as ThreadedFactory;

/** Where the main script and the threaded binary are: in the tfjs-backend-wasm package (a peer dependency). */
async function locateFiles(): Promise<{ mainScript: string; binary: string }> {
  const path = await import('node:path');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const wasmOut = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  return { mainScript: path.join(wasmOut, MAIN_SCRIPT), binary: path.join(wasmOut, BINARY) };
}

/**
 * Registers a threaded WASM SIMD backend as 'wasm' with exactly `threads` threads. Node only;
 * called by initBackend after setThreadsCount(threads), which then selects it.
 */
export async function registerNodeThreadedWasm(threads: number): Promise<void> {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new Error('initBackend: options.threads > 1 needs SharedArrayBuffer, which this Node lacks');
  }
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  // The CommonJS object, not the namespace: its cpus() is patched below.
  const os = (await import('node:os')).default;
  const path = await import('node:path');
  const { mainScript, binary } = await locateFiles();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-wasm-'));
  const workerScript = path.join(dir, 'pthread-worker.cjs');
  // The string holds escaped newlines that a file must keep escaped (tfjs does the same for its Blob).
  writeFileSync(workerScript, wasmWorkerContents.replace(/\n/g, '\\n'));

  // tfjs sizes XNNPACK's pool as min(requested, logical cores / 2), reading the core count from
  // os.cpus() while the module starts and again when the backend sets its thread count. Reporting
  // twice the request lets exactly `threads` through (as wasm-thread-cap.ts does in browsers).
  const realCpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]!);
  try {
    const module = await threadedFactory({
      locateFile: (file, prefix) => (file.endsWith('.worker.js') ? workerScript : file.endsWith('.wasm') ? binary : prefix + file),
      mainScriptUrlOrBlob: mainScript,
    });
    // The same bridge tfjs's loader sets up.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    tf.removeBackend('wasm'); // BackendWasm takes the count initBackend gave setThreadsCount
    const backend = new BackendWasm(module as never);
    // Priority 2, as tfjs-backend-wasm registers it: above tfjs-backend-cpu's 1.
    tf.registerBackend('wasm', () => backend, 2);
    // Idle pool threads must not keep the process alive after the last tensor op.
    for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
  } finally {
    os.cpus = realCpus;
    rmSync(dir, { recursive: true, force: true });
  }
}
