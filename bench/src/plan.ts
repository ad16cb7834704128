// What `pnpm bench` times: the workloads of issue 7, each a set of cells (one implementation each),
// and how many repetitions each cell gets. Slow peers run a reduced batch whose time is scaled up
// (marked in the table); expensive cells run fewer repetitions (also marked).
import type { WorkerSpec } from './worker-client.js';

export interface CellSpec extends WorkerSpec {
  id: string;
  label: string;
  /** Workload time = repetition time × scale (a reduced batch scaled up to the real one). */
  scale: number;
  /** Rounds this cell takes part in (default: the workload's). */
  rounds?: number;
  /** Timed repetitions per round (default 1). */
  reps?: number;
  /** Untimed repetitions before the first round / before each later round. */
  warmup: number;
  roundWarmup?: number;
  /** Backprop cells this peer is compared with (ratio = Backprop ÷ peer). */
  ref?: string[];
  note?: string;
  /** Takes minutes; left out by --no-slow. */
  slow?: boolean;
}

export interface WorkloadSpec {
  id: 'mlp' | 'conv-layer' | 'cnn-step' | 'cnn-eval';
  title: string;
  rounds: number;
  cells: CellSpec[];
}

export interface PlanOptions {
  quick: boolean;
  /** Leave out the cells marked slow (tfjs-backend-cpu's ConvNet step). */
  noSlow?: boolean;
  /** Images per evaluation repetition (the workload is 2,000 images). */
  evalBatch: number;
}

const node = (impl: string, task: string, size: number) => ({ runtime: 'node' as const, impl, task, size });
const py = (impl: string, task: string, size: number, threads: number) => ({ runtime: 'python' as const, impl, task, size, threads });
const TORCH_THREADS = 2; // the cores of this machine; set from os.cpus() in main
/**
 * Backprop on every core as well (Node WASM threads, @backprop/tensor's wasm-node-threads.ts), for
 * the conv workloads where threads pay; compared with PyTorch on the same number of threads.
 */
const bpThreads = (threads: number, label: string, task: string, size: number, scale: number, warmup = 1, roundWarmup?: number): CellSpec[] =>
  threads > 1 ? [{ id: `bp-${threads}t`, label, ...node('backprop', task, size), threads, scale, warmup, ...(roundWarmup != null ? { roundWarmup } : {}) }] : [];
const withThreads = (threads: number) => (threads > 1 ? ['bp', `bp-${threads}t`] : ['bp']);
const scaled = (size: number, full: number) => (size === full ? '' : ` — batch ${size}, ×${full / size}`);

function mlp(quick: boolean, threads: number): WorkloadSpec {
  const bp = ['bp-manual', 'bp-layers'];
  const bpAll = threads > 1 ? [...bp, `bp-manual-${threads}t`, `bp-layers-${threads}t`] : bp;
  // Milliseconds per step: 20 warm-up steps in a cell's first round (Backprop's step is JIT-compiled
  // JS around the kernels: its first steps took 11.9, 8.0, 7.1 ms, the steady step 6.3; NumPy needs
  // none), 3 at the start of each later round, 10 timed steps a round.
  const cheap = { warmup: 20, roundWarmup: 3, reps: 10 };
  // Backprop on every core too (the engine's GEMMs split over output tiles), against NumPy and
  // PyTorch on as many threads.
  const threaded: CellSpec[] = threads > 1
    ? [
      { id: `bp-manual-${threads}t`, label: `Backprop manual modules (WASM SIMD, ${threads} threads)`, ...node('backprop', 'mlp-manual', 200), threads, scale: 1, ...cheap },
      { id: `bp-layers-${threads}t`, label: `Backprop layers, autograd (WASM SIMD, ${threads} threads)`, ...node('backprop', 'mlp-layers', 200), threads, scale: 1, ...cheap },
    ]
    : [];
  // Seconds per step: fewer repetitions, still spread over the rounds so they share the others' load.
  const slow = quick ? { warmup: 1, reps: 3 } : { warmup: 1, reps: 2 };
  return {
    id: 'mlp',
    title: '1 · MLP training step, 3072-100-10 ELU, batch 200, SGD',
    rounds: quick ? 1 : 3,
    cells: [
      { id: 'bp-manual', label: 'Backprop manual modules (WASM SIMD, 1 thread)', ...node('backprop', 'mlp-manual', 200), scale: 1, ...cheap },
      { id: 'bp-layers', label: 'Backprop layers, autograd (WASM SIMD, 1 thread)', ...node('backprop', 'mlp-layers', 200), scale: 1, ...cheap },
      ...threaded,
      { id: 'numpy', label: `NumPy, hand-written backprop, f32 (OpenBLAS, ${threads} threads)`, ...py('numpy', 'mlp-manual', 200, threads), scale: 1, ...cheap, ref: bpAll },
      { id: 'numpy-1t', label: 'NumPy, same, 1 BLAS thread', ...py('numpy', 'mlp-manual', 200, 1), scale: 1, ...cheap, ref: bp },
      { id: 'torch', label: `PyTorch CPU (${threads} threads)`, ...py('torch', 'mlp-layers', 200, threads), scale: 1, ...cheap, ref: bpAll },
      { id: 'torch-1t', label: 'PyTorch CPU (1 thread)', ...py('torch', 'mlp-layers', 200, 1), scale: 1, ...cheap, ref: bp },
      { id: 'stock-manual', label: 'stock tfjs-backend-wasm, same manual code', ...node('stock-wasm', 'mlp-manual', 200), scale: 1, ...cheap, ref: ['bp-manual'] },
      { id: 'stock-layers', label: 'stock tfjs-backend-wasm, same layers code', ...node('stock-wasm', 'mlp-layers', 200), scale: 1, ...cheap, ref: ['bp-layers'] },
      { id: 'cpu-manual', label: 'tfjs-backend-cpu, same manual code', ...node('tfjs-cpu', 'mlp-manual', 200), scale: 1, ...slow, ref: ['bp-manual'] },
      ...(quick ? [] : [{ id: 'cpu-layers', label: 'tfjs-backend-cpu, same layers code', ...node('tfjs-cpu', 'mlp-layers', 200), scale: 1, ...slow, ref: ['bp-layers'] }]),
      { id: 'convnetjs', label: 'ConvNetJS (ReLU: it has no ELU; float64)', ...node('convnetjs', 'mlp-relu', 200), scale: 1, ...slow, ref: bp },
    ],
  };
}

function convLayer(threads: number): WorkloadSpec {
  const b = 32;
  const cnj = 2;
  return {
    id: 'conv-layer',
    title: '· one 3×3 conv 64→64 on 32×32, batch 32: forward + dx, dW, db',
    rounds: 5,
    cells: [
      { id: 'bp', label: 'Backprop Conv2d (WASM SIMD, 1 thread)', ...node('backprop', 'conv-layer', b), scale: 1, warmup: 1 },
      ...bpThreads(threads, `Backprop Conv2d (WASM SIMD, ${threads} threads)`, 'conv-layer', b, 1),
      { id: 'torch', label: `PyTorch CPU (${threads} threads)`, ...py('torch', 'conv-layer', b, threads), scale: 1, warmup: 1, ref: withThreads(threads) },
      { id: 'torch-1t', label: 'PyTorch CPU (1 thread)', ...py('torch', 'conv-layer', b, 1), scale: 1, warmup: 1, ref: ['bp'] },
      { id: 'stock', label: 'stock tfjs-backend-wasm, same code', ...node('stock-wasm', 'conv-layer', 2), scale: 1, warmup: 0, rounds: 1, ref: ['bp'] },
      { id: 'convnetjs', label: `ConvNetJS (float64)${scaled(cnj, b)}`, ...node('convnetjs', 'conv-layer', cnj), scale: b / cnj, warmup: 1, ref: ['bp'] },
    ],
  };
}

function cnnStep(quick: boolean, threads: number): WorkloadSpec {
  const b = quick ? 8 : 32;
  const s = 32 / b;
  return {
    id: 'cnn-step',
    title: `2 · ConvNet training step, batch 32, Adam${quick ? ` (quick: batch ${b}, ×${s})` : ''}`,
    rounds: quick ? 2 : 5,
    // Three warm-up steps for every cell: Backprop's step reaches its steady speed at the third
    // (first steps on AMD EPYC: 3.0, 1.3, 0.95, 0.95 … s — first allocations of the WASM heap, V8's
    // tier-up), and a training run is thousands of steps. In later rounds one untimed step before
    // the timed one, for every cell: a training step follows a training step, not another process's
    // second of work (the step after it, its threads asleep and its caches cold, ran 15–25% slower on 2
    // threads: 568–632 ms in the bench's rounds against 454–500 ms back to back, AMD EPYC Zen 5).
    cells: [
      { id: 'bp', label: `Backprop layers ConvNet (WASM SIMD, 1 thread)${scaled(b, 32)}`, ...node('backprop', 'cnn-step', b), scale: s, warmup: 3, roundWarmup: 1 },
      ...bpThreads(threads, `Backprop layers ConvNet (WASM SIMD, ${threads} threads)${scaled(b, 32)}`, 'cnn-step', b, s, 3, 1),
      { id: 'torch', label: `PyTorch CPU (${threads} threads)${scaled(b, 32)}`, ...py('torch', 'cnn-step', b, threads), scale: s, warmup: 3, roundWarmup: 1, ref: withThreads(threads) },
      ...(quick
        ? []
        : [
            { id: 'torch-1t', label: 'PyTorch CPU (1 thread), 3 reps', ...py('torch', 'cnn-step', b, 1), scale: s, warmup: 3, roundWarmup: 1, rounds: 3, ref: ['bp'] },
            // It fails at the first conv backward, so a batch of 2 shows the same error sooner.
            { id: 'stock', label: 'stock tfjs-backend-wasm, same code', ...node('stock-wasm', 'cnn-step', 2), scale: 16, warmup: 0, rounds: 1, ref: ['bp'] },
            // Batch 2 is the least BatchNorm allows (the last BN sees 1×1 maps); one step takes minutes.
            { id: 'cpu', label: `tfjs-backend-cpu, same code${scaled(2, 32)}, 1 rep, no warm-up`, ...node('tfjs-cpu', 'cnn-step', 2), scale: 16, warmup: 0, rounds: 1, ref: ['bp'], slow: true },
          ]),
    ],
  };
}

function cnnEval(evalBatch: number, threads: number): WorkloadSpec {
  const n = evalBatch;
  const note = n === 2000 ? '' : ` — ${n} images, ×${2000 / n}`;
  return {
    id: 'cnn-eval',
    title: `3 · ConvNet evaluation, 2,000 test images${n === 2000 ? ', batches of 500' : ` (timed on batches of ${n})`}`,
    rounds: 5,
    cells: [
      { id: 'bp', label: `Backprop layers ConvNet (WASM SIMD, 1 thread)${note}`, ...node('backprop', 'cnn-eval', n), scale: 2000 / n, warmup: 1 },
      ...bpThreads(threads, `Backprop layers ConvNet (WASM SIMD, ${threads} threads)${note}`, 'cnn-eval', n, 2000 / n),
      { id: 'torch', label: `PyTorch CPU (${threads} threads)${note}`, ...py('torch', 'cnn-eval', n, threads), scale: 2000 / n, warmup: 1, ref: withThreads(threads) },
      { id: 'torch-1t', label: `PyTorch CPU (1 thread)${note}`, ...py('torch', 'cnn-eval', n, 1), scale: 2000 / n, warmup: 1, ref: ['bp'] },
      // The same forward kernels as Backprop's (its kernels are for training), so 2 reps suffice.
      { id: 'stock', label: `stock tfjs-backend-wasm, same code${note}, 2 reps`, ...node('stock-wasm', 'cnn-eval', n), scale: 2000 / n, warmup: 1, rounds: 2, ref: ['bp'] },
      { id: 'cpu', label: 'tfjs-backend-cpu, same code — 2 images, ×1000, 1 rep', ...node('tfjs-cpu', 'cnn-eval', 2), scale: 1000, warmup: 0, rounds: 1, ref: ['bp'] },
    ],
  };
}

export function plan({ quick, evalBatch, noSlow = false }: PlanOptions, threads = TORCH_THREADS): WorkloadSpec[] {
  const all = quick ? [mlp(true, threads), cnnStep(true, threads)] : [mlp(false, threads), convLayer(threads), cnnStep(false, threads), cnnEval(evalBatch, threads)];
  return noSlow ? all.map((w) => ({ ...w, cells: w.cells.filter((c) => !c.slow) })) : all;
}
