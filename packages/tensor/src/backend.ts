import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { positiveInt } from './checks.js';
import { defaultWasmPaths } from './default-wasm-paths.js';
import { tf } from './tf.js';
import { allowWasmThreads } from './wasm-thread-cap.js';
import { Engine, engineFor, setEngineSpin, useEngine, type EngineInfo, type EngineMath } from './engine/engine.js';

/** Which backend runs the math, whether WASM SIMD is on, and how many threads it uses. */
export interface BackendInfo {
  backend: string;
  simd: boolean;
  threads: number;
  /** Backprop's compute engine (GEMM, column sums, …): its build and threads, or null when off. */
  engine: EngineInfo | null;
}

/** 'auto': the FMA build where relaxed SIMD compiles, else mul+add; 'off': tfjs/XNNPACK kernels only. */
export type EngineChoice = 'auto' | EngineMath | 'off';

export interface InitBackendOptions {
  /** 'wasm' (default; SIMD, Backprop's training kernels) or 'cpu' (tfjs's plain JS reference). */
  backend?: 'wasm' | 'cpu';
  /**
   * WASM threads (default 1). Exactly this many, even past tfjs's own cap of half the logical
   * cores. In a browser only where the page allows them (cross-origin isolated;
   * wasm-thread-cap.ts); under Node always (wasm-node-threads.ts). Results do not depend on it.
   * They are the engine's pool; tfjs's own XNNPACK pool then gets one thread (all of them with
   * `engine: 'off'`), so the two never compete for the cores.
   */
  threads?: number;
  /**
   * Where the `.wasm` binaries are served from: a prefix ending in '/' or a map from file name
   * (`tfjs-backend-wasm-simd.wasm`, …) to URL. Not needed with a bundler that handles
   * `new URL('./x.wasm', import.meta.url)` (Vite, webpack 5, …): the browser build points at the
   * copies it ships (`@backprop/tensor/tfjs-backend-wasm-simd.wasm`, …). Node finds the files itself.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Backprop's compute engine on the WASM heap (default 'auto', or `$BACKPROP_ENGINE`): 'fma'
   * needs relaxed SIMD (Chromium; Node with V8's flag, which initBackend sets), 'muladd' runs
   * everywhere WASM SIMD does, 'off' leaves the tfjs/XNNPACK kernels.
   */
  engine?: EngineChoice;
  /**
   * How long (µs) the engine's pool threads spin for the next job before they sleep (default 5000,
   * or `$BACKPROP_ENGINE_SPIN_US`; 0 to 1000000). Waking a sleeping thread costs 100–350 µs on a
   * VM, which a training step's many short jobs pay each time; spinning holds a core for up to
   * this long after each burst of jobs, which other work on a shared machine pays. Results do not
   * depend on it. Applied on every call (also later ones); `setEngineSpin` changes it at run time.
   */
  engineSpinMicroseconds?: number;
}

const engineChoices: readonly EngineChoice[] = ['auto', 'fma', 'muladd', 'off'];

function engineChoice(option: EngineChoice | undefined): EngineChoice {
  const fromEnv = typeof process !== 'undefined' ? process.env?.BACKPROP_ENGINE : undefined;
  const choice = option ?? (fromEnv === '' ? undefined : fromEnv) ?? 'auto';
  if (!engineChoices.includes(choice as EngineChoice)) {
    const where = option != null ? 'options.engine' : '$BACKPROP_ENGINE';
    throw new Error(`initBackend: ${where} must be one of ${engineChoices.map((c) => `'${c}'`).join(', ')}, got '${String(choice)}'`);
  }
  return choice as EngineChoice;
}

/** The spin budget asked for by options.engineSpinMicroseconds or $BACKPROP_ENGINE_SPIN_US, or null for the pool's default. */
export function engineSpinChoice(option: number | undefined, env: string | undefined): number | null {
  const fromEnv = env == null || env.trim() === '' ? undefined : Number(env);
  const us = option ?? fromEnv;
  if (us === undefined) return null;
  if (!Number.isInteger(us) || us < 0 || us > 1_000_000) {
    const where = option != null ? 'options.engineSpinMicroseconds' : '$BACKPROP_ENGINE_SPIN_US';
    throw new Error(`initBackend: ${where} must be a whole number of µs from 0 to 1000000, got '${option ?? env}'`);
  }
  return us;
}

async function startEngine(choice: EngineChoice, threads: number): Promise<EngineInfo | null> {
  const backend = tf.backend();
  if (choice === 'off') {
    useEngine(null);
    return null;
  }
  const current = engineFor(backend);
  if (current != null && (choice === 'auto' || current.info.math === choice)) return current.info;
  const engine = await Engine.start(backend as never, { threads, ...(choice === 'auto' ? {} : { math: choice }) });
  useEngine(engine);
  return engine.info;
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

/** Whether the WASM backend's heap is a SharedArrayBuffer (tfjs's threaded build). */
function wasmMemoryShared(): boolean {
  const module = (tf.backend() as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
  const buffer = (module?.wasmMemory ?? module?.asm?.memory)?.buffer;
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

let wasmPathsSet = false;
/** The thread count asked of the first call that set WASM up (1 when none was asked). */
let wasmThreads = 1;
/** Whether that call asked for a count (else tfjs chose its own, and the engine takes the same). */
let threadsAsked = false;

/**
 * Selects and initialises the backend. Call once before any tensor work; calling again with
 * the same options is cheap. The thread count is fixed by the first call that starts WASM.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`initBackend: options.backend must be 'wasm' or 'cpu', got '${String(backend)}'`);
  }
  const choice = engineChoice(options.engine);
  const spin = engineSpinChoice(options.engineSpinMicroseconds, typeof process !== 'undefined' ? process.env?.BACKPROP_ENGINE_SPIN_US : undefined);
  if (options.threads != null) positiveInt('initBackend', 'options.threads', options.threads);
  if (backend === 'wasm' && wasmPathsSet && options.threads != null && options.threads !== wasmThreads) {
    throw new Error(`initBackend: WASM already started with ${wasmThreads} thread(s); options.threads (${options.threads}) must be given on the first call`);
  }
  if (backend === 'wasm' && !wasmPathsSet) {
    const wasmPaths = options.wasmPaths ?? defaultWasmPaths();
    if (wasmPaths != null) setWasmPaths(wasmPaths as string);
    if (options.threads != null) {
      if (isNode && options.threads > 1 && tf.findBackend('wasm') != null) {
        throw new Error('initBackend: options.threads > 1 must come before any WASM tensor work (the one-thread backend already started)');
      }
      // With the engine on, its own pool does the parallel work and tfjs's XNNPACK pool gets one
      // thread: two pools spinning for the same cores made tfjs's small threaded ops 5–20× slower
      // (the MLP step's six Adds: 2.6 ms against 0.13 ms, 2 threads, AMD EPYC) and stole the
      // engine's second core. The threaded (shared-memory) build is loaded all the same.
      setThreadsCount(choice === 'off' ? options.threads : 1);
      if (!isNode) allowWasmThreads(options.threads);
      else if (options.threads > 1) {
        const { registerNodeThreadedWasm } = await import('./wasm-node-threads.js');
        await registerNodeThreadedWasm(options.threads);
      }
      wasmThreads = options.threads;
      threadsAsked = true;
    }
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) {
      // In a browser the usual cause is a .wasm file the page cannot fetch (tfjs logs the URL).
      const hint =
        backend === 'wasm' && !isNode
          ? '; check that the .wasm binaries are served (a dev server that pre-bundles dependencies, such as Vite\'s, needs options.wasmPaths: see the @backprop/tensor README)'
          : '';
      throw new Error(`initBackend: the '${backend}' backend failed to initialise${hint}`);
    }
  }
  await tf.ready();
  if (backend === 'cpu') return { backend, simd: false, threads: 1, engine: null };
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const shared = wasmMemoryShared();
  // The engine's pool: the threads asked for (one where the heap is not shared memory: a page that
  // is not cross-origin isolated), or tfjs's own count when none was asked.
  const poolThreads = threadsAsked ? (shared ? wasmThreads : 1) : getThreadsCount();
  // The engine is SIMD code: on a WASM build without SIMD the tfjs kernels stay.
  const engine = simd ? await startEngine(choice, poolThreads) : null;
  if (engine != null && spin != null) setEngineSpin(spin);
  return { backend, simd, threads: engine?.threads ?? getThreadsCount(), engine };
}
