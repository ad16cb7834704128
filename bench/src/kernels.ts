// Kernel benchmark. GFLOP/s of each Backprop WASM kernel on the engine (packages/tensor/assembly:
// relaxed-SIMD FMA GEMM, implicit-GEMM convolutions) against the same kernel on tfjs-backend-wasm's
// XNNPACK (Backprop's previous fast paths: explicit transposes, then XNNPACK's GEMM and conv), the
// stock tfjs-backend-wasm kernel and tfjs-backend-cpu, on the shapes of the reference MLP
// (3072-100-10, batch 200) and ConvNet (batch 32), in one run. Convolutions count direct-conv FLOP.
//
// Operands are fresh tensors on every call, as in training, where every weight is a new tensor after
// each optimizer step and every batch a new input: XNNPACK packs a GEMM's B operand and a conv's
// filter once per tensor and keeps the packing, and the engine keeps Winograd-transformed filters per
// weight version, so calling a kernel again on the same tensors times a cached path training never
// takes. XNNPACK on reused operands is shown beside it (its best case) for reference.
import os from 'node:os';
import { engineInfo, initBackend, Rng, setEngineEnabled, setTrainingKernels, tf } from '@backprop/tensor';
import { gflops, markdownTable, time } from './timing.js';

type Backend = 'engine' | 'xnnpack' | 'stock' | 'cpu';
/** 'fresh': a new set of operand tensors for every call (as in training); 'reused': one set for all. */
type Operands = 'fresh' | 'reused';

interface Workload {
  name: string;
  kernel: string;
  flop: number;
  /** Batch scale for tfjs-backend-cpu, whose JS kernels would take minutes at full size. */
  cpuScale: number;
  make: (scale: number) => { inputs: tf.NamedTensorMap; attrs: Record<string, unknown> };
}

const rng = new Rng(7);
const rand = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);

function matMulWorkload(name: string, m: number, k: number, n: number, ta: boolean, tb: boolean): Workload {
  return {
    name,
    kernel: 'BatchMatMul',
    flop: 2 * m * k * n,
    cpuScale: 1,
    make: () => ({
      inputs: { a: rand(ta ? [k, m] : [m, k]), b: rand(tb ? [n, k] : [k, n]) },
      attrs: { transposeA: ta, transposeB: tb },
    }),
  };
}

function convWorkloads(label: string, batch: number, size: number, inC: number, outC: number, k: number): Workload[] {
  const flopPerImage = 2 * size * size * inC * outC * k * k;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined };
  const cpuScale = 1 / 8;
  const n = (scale: number) => Math.max(1, Math.round(batch * scale));
  return [
    {
      name: `${label} forward`,
      kernel: 'Conv2D',
      flop: flopPerImage * batch,
      cpuScale,
      make: (s) => ({ inputs: { x: rand([n(s), size, size, inC]), filter: rand([k, k, inC, outC]) }, attrs }),
    },
    {
      name: `${label} backprop input`,
      kernel: 'Conv2DBackpropInput',
      flop: flopPerImage * batch,
      cpuScale,
      make: (s) => ({
        inputs: { dy: rand([n(s), size, size, outC]), filter: rand([k, k, inC, outC]) },
        attrs: { ...attrs, inputShape: [n(s), size, size, inC] },
      }),
    },
    {
      name: `${label} backprop filter`,
      kernel: 'Conv2DBackpropFilter',
      flop: flopPerImage * batch,
      cpuScale,
      make: (s) => ({
        inputs: { x: rand([n(s), size, size, inC]), dy: rand([n(s), size, size, outC]) },
        attrs: { ...attrs, filterShape: [k, k, inC, outC] },
      }),
    },
  ];
}

export const kernelWorkloads = (quick: boolean): Workload[] => [
  matMulWorkload('MLP fwd x·Wᵀ [200×3072]·[100×3072]ᵀ', 200, 3072, 100, false, true),
  matMulWorkload('MLP dW dyᵀ·x [200×100]ᵀ·[200×3072]', 100, 200, 3072, true, false),
  matMulWorkload('MLP dx dy·W [200×100]·[100×3072]', 200, 100, 3072, false, false),
  matMulWorkload('square 512 Aᵀ·Bᵀ', 512, 512, 512, true, true),
  ...(quick ? [] : convWorkloads('conv3×3 3→64 32×32 b32 (first layer)', 32, 32, 3, 64, 3)),
  ...convWorkloads('conv3×3 64→64 32×32 b32', 32, 32, 64, 64, 3),
  ...(quick ? [] : convWorkloads('conv3×3 128→128 16×16 b32', 32, 16, 128, 128, 3)),
  ...(quick ? [] : convWorkloads('conv3×3 256→256 8×8 b32', 32, 8, 256, 256, 3)),
  ...convWorkloads('conv3×3 512→512 4×4 b32', 32, 4, 512, 512, 3),
  ...(quick ? [] : convWorkloads('conv3×3 512→512 2×2 b32', 32, 2, 512, 512, 3)),
  ...(quick ? [] : convWorkloads('conv1×1 64→128 32×32 b32', 32, 32, 64, 128, 1)),
  ...(quick ? [] : convWorkloads('conv1×1 256→512 8×8 b32', 32, 8, 256, 512, 1)),
];

async function measure(w: Workload, backend: Backend, operands: Operands = 'fresh'): Promise<number | null> {
  await tf.setBackend(backend === 'cpu' ? 'cpu' : 'wasm');
  setTrainingKernels(backend !== 'stock');
  setEngineEnabled(backend === 'engine');
  if (tf.getKernel(w.kernel, tf.getBackend()) == null) return null;
  const scale = backend === 'cpu' ? w.cpuScale : 1;
  const timing = backend === 'cpu' ? { warmup: 1, reps: 3, maxMs: 8000 } : { warmup: 2, reps: 5 };
  // Every call's operands made before the clock starts (a copy from JS into the heap is not the kernel's time).
  const sets = Array.from({ length: operands === 'fresh' ? timing.warmup + timing.reps : 1 }, () => w.make(scale));
  let call = 0;
  // WASM and tfjs-cpu kernels run synchronously: the kernel is done when runKernel returns. No
  // dataSync: copying the output into a fresh JS array timed this VM's first touch of new pages,
  // not the kernel (the MLP's dW GEMM read 17 GFLOP/s with the copy, 46 without; AMD EPYC).
  const run = () => {
    const { inputs, attrs } = sets[call++ % sets.length]!;
    const out = tf.engine().runKernel(w.kernel, inputs, attrs as never) as tf.Tensor;
    out.dispose();
  };
  const t = time(run, timing);
  for (const { inputs } of sets) tf.dispose(Object.values(inputs));
  setTrainingKernels(true);
  setEngineEnabled(true);
  return gflops(w.flop * scale, t.medianMs);
}

/** Median of the measured values (the lower middle for an even count); null when none ran. */
const medianOf = (values: Array<number | null>): number | null => {
  const v = values.filter((x): x is number => x != null).sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor((v.length - 1) / 2)]!;
};

export async function runKernelBench(quick = false): Promise<string> {
  await initBackend();
  const workloads = kernelWorkloads(quick);
  // WASM cells are measured in interleaved rounds (every workload once per round) and the median
  // round is reported, so that a burst of load on a shared machine skews one round, not a ratio.
  const rounds = quick ? 1 : 3;
  const fastRuns: Array<Array<number | null>> = workloads.map(() => []);
  const xnnpackRuns: Array<Array<number | null>> = workloads.map(() => []);
  const stockRuns: Array<Array<number | null>> = workloads.map(() => []);
  const reusedRuns: Array<Array<number | null>> = workloads.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, w] of workloads.entries()) {
      fastRuns[i]!.push(await measure(w, 'engine'));
      xnnpackRuns[i]!.push(await measure(w, 'xnnpack'));
      stockRuns[i]!.push(await measure(w, 'stock'));
      reusedRuns[i]!.push(await measure(w, 'xnnpack', 'reused'));
    }
  }
  const rows: string[][] = [];
  const fmt = (v: number | null) => (v == null ? 'no kernel' : v.toFixed(2));
  const ratio = (a: number | null, b: number | null) => (a == null || b == null ? '—' : `${(a / b).toFixed(1)}×`);
  let xnnpackForward: number | null = null;
  for (const [i, w] of workloads.entries()) {
    const fast = medianOf(fastRuns[i]!);
    const xnnpack = medianOf(xnnpackRuns[i]!);
    const stock = medianOf(stockRuns[i]!);
    const reused = medianOf(reusedRuns[i]!);
    const cpu = await measure(w, 'cpu');
    if (w.kernel === 'Conv2D') xnnpackForward = xnnpack;
    // Each conv pass beside XNNPACK's *forward* conv on the same shape (the best tfjs has).
    const note = w.kernel.startsWith('Conv2DBackprop') && fast != null && xnnpackForward != null ? ` (${(fast / xnnpackForward).toFixed(2)}× XNNPACK fwd)` : '';
    rows.push([w.name, w.kernel, fmt(fast) + note, fmt(xnnpack), fmt(reused), fmt(stock), fmt(cpu), ratio(fast, xnnpack), ratio(fast, reused), ratio(fast, stock), ratio(fast, cpu)]);
    console.error(`  ${rows[rows.length - 1]!.join(' | ')}`);
  }
  const header = ['workload', 'kernel', 'Backprop engine GFLOP/s', 'XNNPACK GFLOP/s', 'XNNPACK, operands reused GFLOP/s', 'stock WASM GFLOP/s', 'tfjs-cpu GFLOP/s', 'vs XNNPACK', 'vs XNNPACK reused', 'vs stock', 'vs cpu'];
  const engine = engineInfo();
  const build = engine == null ? 'engine off' : engine.math === 'fma' ? 'engine: relaxed-SIMD FMA build' : 'engine: mul+add build';
  return `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, WASM SIMD, 1 thread, ${build}; fresh operand tensors for every call (as in training) except the "operands reused" column; WASM cells: median of ${rounds} interleaved rounds\n\n${markdownTable(header, rows)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runKernelBench(process.argv.includes('--quick')));
}
