// Backprop's own thread pool over the tfjs heap: T − 1 workers (worker_threads in Node, Web
// Workers in browsers), each with its own instance of the engine module on the *same* shared
// memory, plus the calling thread as thread 0. A job is one engine function with one argument
// list per thread; callers split work over output tiles only (never over a reduction), so
// results are bit-identical for any thread count. See worker-source.ts for the protocol.
import { workerSource } from './worker-source.js';

export const MAX_ARGS = 24;
const ARGS_BASE = 8; // in Float64 slots: after I[0..15]
/** I[SPIN_SLOT]: how long a waiting thread spins before Atomics.wait, in microseconds. */
const SPIN_SLOT = 3;
/** I[WORKER_SLEEPS_SLOT], I[CALLER_SLEEPS_SLOT]: how many times the workers and the caller slept (Atomics.wait). */
const WORKER_SLEEPS_SLOT = 4;
const CALLER_SLEEPS_SLOT = 5;
/**
 * Spin budget: a sleeping pool thread takes 100–350 µs to wake on a KVM guest (a 1 MB column sum
 * took 70 µs with the worker spinning, 430 µs after 5 ms idle; AMD EPYC Zen 3, 2 cores), and the JS
 * and one-thread kernels between two jobs of a training step often last longer than a short spin.
 * CNN step, 2 threads, budgets alternated step by step in one process: 100 µs → 172 sleeps a step
 * (197 jobs), median 779 ms; 5 ms → 0.5 sleeps, 702 ms. (The old fixed 20k spins, ~50 µs: ~70
 * sleeps.) An idle pool still sleeps, 5 ms after its last job.
 */
export const DEFAULT_SPIN_MICROSECONDS = 5000;

const isNode = typeof process !== 'undefined' && process.versions?.node != null;
/** Atomics.wait throws on a browser's main thread; there the caller only spins. */
const callerMayWait = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

export type EngineFunction = (...args: number[]) => void;

/** Jobs run on a pool and the times its threads slept waiting (each sleep costs a wake-up). */
export interface PoolStats {
  jobs: number;
  workerSleeps: number;
  callerSleeps: number;
}

export class ThreadPool {
  private readonly control: SharedArrayBuffer | ArrayBuffer;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private workers: PoolWorker[] = [];
  private jobs = 0;

  private constructor(readonly threads: number, private readonly fns: EngineFunction[]) {
    // One thread never hands work over, so it needs no shared block: a page that is not
    // cross-origin isolated has no SharedArrayBuffer at all, and must still get the engine.
    const bytes = (ARGS_BASE + threads * MAX_ARGS) * 8;
    this.control = threads > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    this.i32 = new Int32Array(this.control);
    this.f64 = new Float64Array(this.control);
    this.i32[SPIN_SLOT] = DEFAULT_SPIN_MICROSECONDS;
  }

  /** How long (µs) a thread that waits spins before it sleeps; 0 sleeps at once. */
  get spinMicroseconds(): number {
    return Atomics.load(this.i32, SPIN_SLOT);
  }

  set spinMicroseconds(us: number) {
    if (!Number.isInteger(us) || us < 0 || us > 1_000_000) throw new Error(`ThreadPool.spinMicroseconds: expected a whole number of µs in [0, 1000000], got ${us}`);
    Atomics.store(this.i32, SPIN_SLOT, us);
  }

  /** Jobs run and times the threads went to sleep waiting (since the pool started). */
  get stats(): PoolStats {
    return { jobs: this.jobs, workerSleeps: Atomics.load(this.i32, WORKER_SLEEPS_SLOT), callerSleeps: Atomics.load(this.i32, CALLER_SLEEPS_SLOT) };
  }

  /** Starts `threads − 1` workers on `memory` (shared) with the engine `module`. */
  static async start(threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[], fns: EngineFunction[]): Promise<ThreadPool> {
    const pool = new ThreadPool(threads, fns);
    const ready: Promise<void>[] = [];
    for (let index = 1; index < threads; index++) {
      const message = { module, memory, control: pool.control, index, names, spinSlot: SPIN_SLOT, sleepsSlot: WORKER_SLEEPS_SLOT, argsBase: ARGS_BASE, maxArgs: MAX_ARGS };
      if (isNode) {
        const { Worker } = await import('node:worker_threads');
        const worker = new Worker(workerSource, { eval: true });
        worker.unref(); // an idle pool must not keep the process alive
        ready.push(new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }));
        worker.postMessage(message);
        pool.workers.push(worker);
      } else {
        const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
        const worker = new Worker(url);
        ready.push(new Promise((resolve, reject) => {
          worker.onmessage = () => resolve();
          worker.onerror = (event) => reject(new Error(`engine thread ${index}: ${event.message}`));
        }));
        worker.postMessage(message);
        pool.workers.push(worker);
        URL.revokeObjectURL(url);
      }
    }
    await Promise.all(ready);
    return pool;
  }

  /**
   * Runs engine function `fn` with `args[t]` on thread t (thread 0 is the caller) and returns when
   * every thread is done. `args.length` may be below the thread count: the rest sit out.
   */
  run(fn: number, args: number[][]): void {
    const f = this.fns[fn]!;
    if (args.length > this.threads) throw new Error(`ThreadPool.run: ${args.length} argument lists for ${this.threads} threads`);
    if (this.threads === 1 || args.length <= 1) {
      if (args[0]) f(...args[0]);
      return;
    }
    const { i32, f64 } = this;
    for (let t = 1; t < this.threads; t++) {
      const list = args[t];
      const n = list?.length ?? 0;
      if (n > MAX_ARGS) throw new Error(`ThreadPool.run: at most ${MAX_ARGS} arguments, got ${n}`);
      i32[8 + t] = n;
      for (let i = 0; i < n; i++) f64[ARGS_BASE + t * MAX_ARGS + i] = list![i]!;
    }
    this.jobs++;
    Atomics.store(i32, 2, fn);
    Atomics.store(i32, 1, this.threads - 1);
    Atomics.add(i32, 0, 1);
    Atomics.notify(i32, 0);
    try {
      f(...args[0]!);
    } finally {
      if (Atomics.load(i32, 1) !== 0) this.waitForWorkers();
    }
  }

  /** Spins for the spin budget, then sleeps (where this thread may), until every worker is done. */
  private waitForWorkers(): void {
    const { i32 } = this;
    let since = performance.now();
    let spins = 0;
    for (let left = Atomics.load(i32, 1); left !== 0; left = Atomics.load(i32, 1)) {
      // The clock is read every 256 spins (a read costs ~25 ns, a spin a few).
      if (!callerMayWait || (++spins & 255) !== 0) continue;
      const now = performance.now();
      if ((now - since) * 1000 >= Atomics.load(i32, SPIN_SLOT)) {
        Atomics.add(i32, CALLER_SLEEPS_SLOT, 1);
        Atomics.wait(i32, 1, left);
        since = performance.now();
      }
    }
  }

  /** Stops the workers (the pool cannot be used afterwards). */
  close(): void {
    Atomics.store(this.i32, 2, -1);
    Atomics.add(this.i32, 0, 1);
    Atomics.notify(this.i32, 0);
    for (const worker of this.workers) void worker.terminate();
    this.workers = [];
  }
}
