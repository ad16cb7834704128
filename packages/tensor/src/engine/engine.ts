// The compute engine (assembly/, AssemblyScript → WebAssembly) running on tfjs-backend-wasm's own
// heap: the module imports tfjs's WebAssembly.Memory, so kernels read and write tensors where they
// lie (zero copies; copying operands cost 31% on a GEMM). Built twice: with relaxed SIMD's fused
// multiply-add, and with mul+add for engines without it; the FMA build is chosen where it compiles.
// With tfjs's threaded build (shared memory) the engine has a thread pool of its own
// (thread-pool.ts) over the same memory, sized by initBackend({ threads }).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { decodeBase64, enableRelaxedSimdFlag, relaxedSimdSupported } from './relaxed-simd.js';
import { ThreadPool, type EngineFunction, type PoolStats } from './thread-pool.js';
import { engineBinaries } from './wasm-binaries.generated.js';

/** The engine's functions, in the order of their pool indices. */
export const ENGINE_FUNCTIONS = [
  'gemm', 'columnSums', 'convForward', 'convFilterGradT', 'maxPoolGrad', 'adamUpdate', 'batchNormStatsBlocks', 'batchNormNormalize', 'batchNormGradBlocks', 'batchNormInputGrad',
  'winogradInputTransform', 'winogradGradTransform', 'winogradOutputTransform', 'winogradFilterTransform',
  'winogradFilterGradInverse', 'winogradGemms', 'sgdUpdate', 'minMaxScalar', 'minMaxSame', 'reluGrad', 'winogradGemmsShared',
  'winogradInputTransformShared', 'winogradGradTransformShared', 'winogradOutputTransformShared', 'maxPoolGradTiles', 'maxPoolGradScatter',
  'maxPool', 'addSame', 'columnBlockSums', 'convFilterGradTChunks', 'batchNormMeanFromBlocks', 'batchNormVarianceFromBlocks',
  'batchNormGradFromBlocks', 'maxPoolGradGather', 'winogradConvBlocks',
] as const;
export type EngineFunctionName = (typeof ENGINE_FUNCTIONS)[number];

export type EngineMath = 'fma' | 'muladd';

export interface EngineInfo {
  /** 'fma': relaxed-SIMD fused multiply-add; 'muladd': the fallback build. */
  math: EngineMath;
  threads: number;
}

interface EngineExports {
  gemmScratchBytes(): number;
  winogradBlockWorkBytes(blockTiles: number, alpha: number, c: number, cout: number): number;
}

interface WasmModuleInternals {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(address: number): void;
}

export class Engine {
  private constructor(
    readonly info: EngineInfo,
    readonly backend: BackendWasm,
    private readonly pool: ThreadPool,
    private readonly fns: EngineFunction[],
    /** Per-thread scratch in the tfjs heap (GEMM packing; any kernel may use it during its job). */
    readonly scratch: number[],
    /** Bytes of each thread's scratch. */
    readonly scratchBytes: number,
    /** An i32 in the heap from which a job's threads take work items one at a time (takeNext). */
    private readonly counter: number,
    private readonly memory: WebAssembly.Memory,
    private readonly sizes: EngineExports,
  ) {}

  get threads(): number {
    return this.info.threads;
  }

  /** Starts an engine on `backend`'s heap with `threads` threads (1 unless the heap is shared). */
  static async start(backend: BackendWasm, { threads = 1, math }: { threads?: number; math?: EngineMath } = {}): Promise<Engine> {
    await enableRelaxedSimdFlag();
    const internals = backend.wasm as unknown as WasmModuleInternals;
    const memory = internals.wasmMemory ?? internals.asm?.memory;
    if (memory == null) throw new Error('Engine.start: cannot find tfjs-backend-wasm\'s WebAssembly.Memory');
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    if (threads > 1 && !shared) throw new Error(`Engine.start: ${threads} threads need tfjs's threaded (shared-memory) build`);
    const chosen: EngineMath = math ?? (relaxedSimdSupported() ? 'fma' : 'muladd');
    const bytes = decodeBase64(engineBinaries[`${chosen}-${shared ? 'shared' : 'unshared'}`]);
    const module = await WebAssembly.compile(bytes as BufferSource);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = instance.exports as unknown as EngineExports & Record<string, EngineFunction>;
    const fns = ENGINE_FUNCTIONS.map((name) => {
      const fn = exports[name];
      if (typeof fn !== 'function') throw new Error(`Engine.start: the engine binary lacks '${name}'`);
      return fn;
    });
    const pool = await ThreadPool.start(threads, module, memory, [...ENGINE_FUNCTIONS], fns);
    const bytesPerThread = exports.gemmScratchBytes();
    const scratch = Array.from({ length: threads }, () => internals._malloc(bytesPerThread));
    const counter = internals._malloc(64); // a cache line of its own
    return new Engine({ math: chosen, threads }, backend, pool, fns, scratch, bytesPerThread, counter, memory, exports);
  }

  /** Bytes of one thread's work buffer for winogradConvBlocks (assembly/winograd.ts, which lays it out). */
  winogradBlockWorkBytes(blockTiles: number, alpha: number, c: number, cout: number): number {
    return this.sizes.winogradBlockWorkBytes(blockTiles, alpha, c, cout);
  }

  /** The work-item counter, zeroed: pass it to a job whose threads take items as they go. */
  freshCounter(): number {
    Atomics.store(new Int32Array(this.memory.buffer, this.counter, 1), 0, 0);
    return this.counter;
  }

  /** Runs `name` with one argument list per thread (see ThreadPool.run). */
  run(name: EngineFunctionName, args: number[][]): void {
    this.pool.run(ENGINE_FUNCTIONS.indexOf(name), args);
  }

  /** How long (µs) a pool thread spins for the next job before it sleeps (ThreadPool.spinMicroseconds). */
  get spinMicroseconds(): number {
    return this.pool.spinMicroseconds;
  }

  set spinMicroseconds(us: number) {
    this.pool.spinMicroseconds = us;
  }

  /** Jobs run on the pool and how often its threads slept waiting (each sleep costs a wake-up). */
  get poolStats(): PoolStats {
    return this.pool.stats;
  }

  /** Runs `name` once on the calling thread. */
  call(name: EngineFunctionName, ...args: number[]): void {
    this.fns[ENGINE_FUNCTIONS.indexOf(name)]!(...args);
  }

  /** Stops the pool and frees the scratch (for tests that start several engines). */
  close(): void {
    this.pool.close();
    const internals = this.backend.wasm as unknown as WasmModuleInternals;
    for (const address of this.scratch) internals._free(address);
    internals._free(this.counter);
  }
}

let active: Engine | null = null;
let enabled = true;

/** The engine kernels use, or null (not started, switched off, or another backend). */
export function engineFor(backend: unknown): Engine | null {
  return enabled && active != null && active.backend === backend ? active : null;
}

/** Makes `engine` the one kernels use (initBackend does this; tests swap builds with it). */
export function useEngine(engine: Engine | null): void {
  active = engine;
}

/** The active engine's build and threads, or null. */
export function engineInfo(): EngineInfo | null {
  return active?.info ?? null;
}

/**
 * How long (µs) the active engine's pool threads spin for the next job before they sleep (default
 * 5000, thread-pool.ts DEFAULT_SPIN_MICROSECONDS); for comparisons and for hosts where idle spinning
 * costs more than wake-ups. Throws without an engine.
 */
export function setEngineSpin(us: number): void {
  if (active == null) throw new Error('setEngineSpin: no engine (call initBackend with the wasm backend first)');
  active.spinMicroseconds = us;
}

/** The active engine's pool counters (jobs, sleeps of workers and caller), or null without an engine. */
export function enginePoolStats(): PoolStats | null {
  return active?.poolStats ?? null;
}

/** Switches the engine kernels off (tfjs/XNNPACK paths) and on again, for comparisons. */
export function setEngineEnabled(on: boolean): void {
  enabled = on;
}
