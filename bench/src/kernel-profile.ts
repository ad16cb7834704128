// Where one repetition's time goes, per tfjs kernel (tf.profile), with the floating-point work of
// each kernel from its shapes, so its GFLOP/s can be set against the WASM matMul peak.
import { Rng, tf } from '@backprop/tensor';
import { gflops, time } from './timing.js';

export interface KernelRow {
  kernel: string;
  calls: number;
  ms: number;
  /** Multiply-adds counted as 2 flop; null for kernels that are not matrix products or convolutions. */
  flop: number | null;
}

export interface StepProfile {
  /** Repetitions profiled; every figure below is per repetition (their mean). */
  reps: number;
  /** Sum of the kernel times (the rest of a step is JS: autograd bookkeeping, tidy, dispose). */
  kernelMs: number;
  /** Wall time of the profiled repetition. */
  wallMs: number;
  rows: KernelRow[];
  /** Matrix-product and convolution calls grouped by kernel and input shapes, slowest first. */
  byShape: Array<KernelRow & { shapes: string }>;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Flop of one kernel call from its input and output shapes (2 per multiply-add). */
export function kernelFlop(name: string, inputs: number[][], outputs: number[][]): number | null {
  const out = outputs[0];
  switch (name) {
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // a is [.., m, k] or [.., k, m]; the output is [.., m, n]: k = (size of a's matrix) / m.
      const a = inputs[0];
      if (a == null || out == null || out.length < 2) return null;
      const m = out[out.length - 2]!;
      const k = (a[a.length - 1]! * a[a.length - 2]!) / m;
      return 2 * prod(out) * k;
    }
    case 'Conv2D':
    case 'FusedConv2D':
    case 'BackpropConv2DAddResidual': {
      const filter = inputs[1]; // [kh, kw, in, out]
      if (filter == null || out == null) return null;
      return 2 * prod(out) * filter[0]! * filter[1]! * filter[2]!;
    }
    case 'Conv2DBackpropInput': {
      const [dy, filter] = inputs; // dy [N, H, W, out], filter [kh, kw, in, out]
      if (dy == null || filter == null) return null;
      return 2 * prod(dy) * filter[0]! * filter[1]! * filter[2]!;
    }
    case 'Conv2DBackpropFilter': {
      const dy = inputs[1]; // output: the filter [kh, kw, in, out]
      if (dy == null || out == null) return null;
      return (2 * prod(dy) * prod(out)) / out[3]!;
    }
    default:
      return null;
  }
}

/**
 * Profiles `reps` calls of `fn` (one tf.profile around them all) and returns, per repetition, the
 * kernel time, calls and flop per kernel name and per kernel + input shapes.
 */
export async function profileStep(fn: () => void, reps = 1): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    for (let i = 0; i < reps; i++) fn();
  });
  const wallMs = (performance.now() - t0) / reps;
  const byName = new Map<string, KernelRow>();
  const byShape = new Map<string, KernelRow & { shapes: string }>();
  const add = (row: KernelRow, ms: number, f: number | null) => {
    row.calls++;
    row.ms += ms;
    row.flop = f == null || row.flop == null ? null : row.flop + f;
  };
  for (const k of info.kernels) {
    // Custom-gradient ops (`name__op`, or "unnamed scope" outside a named one) are recorded as
    // entries of their own around kernels that are recorded too: counting both would count twice.
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const ms = (await k.kernelTimeMs) as number;
    // Optional inputs (a fused op's absent bias) come back as null shapes.
    const inputs = (k.inputShapes as Array<number[] | null>).map((sh) => sh ?? []);
    const f = kernelFlop(k.name, inputs, (k.outputShapes as Array<number[] | null>).map((sh) => sh ?? []));
    const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0, flop: 0 };
    add(row, ms, f);
    byName.set(k.name, row);
    if (f != null) {
      const shapes = inputs.filter((sh) => sh.length > 0).map((sh) => `[${sh.join('×')}]`).join(' ');
      const key = `${k.name} ${shapes}`;
      const e = byShape.get(key) ?? { kernel: k.name, shapes, calls: 0, ms: 0, flop: 0 };
      add(e, ms, f);
      byShape.set(key, e);
    }
  }
  const perRep = <R extends KernelRow>(r: R): R => ({ ...r, calls: r.calls / reps, ms: r.ms / reps, flop: r.flop == null ? null : r.flop / reps });
  const rows = [...byName.values()].map(perRep).sort((a, b) => b.ms - a.ms);
  return {
    reps,
    kernelMs: rows.reduce((s, r) => s + r.ms, 0),
    wallMs,
    rows,
    byShape: [...byShape.values()].map(perRep).sort((a, b) => b.ms - a.ms),
  };
}

/**
 * Whether a profiled kernel is a convolution (or one of its gradients): tfjs's conv kernels,
 * Backprop's conv with a residual block's sum in its output pass (`BackpropConv2DAddResidual`, as
 * FusedConv2D holds its bias), and PyTorch's aten convolution ops (their bias addition and bias
 * gradient included, as PyTorch computes them inside). Everything else of a step — BatchNorm,
 * pooling, the residual adds of the backward, bias sums, the optimizer — is "outside the convolutions".
 */
export function isConvKernel(name: string): boolean {
  return /^(Conv2D|FusedConv2D|BackpropConv2DAddResidual|Conv2DBackpropInput|Conv2DBackpropFilter|DepthwiseConv2dNative\w*|Conv3D\w*)$/.test(name) || /^aten::\w*conv/.test(name);
}

/** Kernel milliseconds of a profile outside the convolutions, and their share of all its kernel time. */
export function outsideConvolutions(profile: Pick<StepProfile, 'rows' | 'kernelMs'>): { ms: number; share: number } {
  const ms = profile.rows.filter((r) => !isConvKernel(r.kernel)).reduce((s, r) => s + r.ms, 0);
  return { ms, share: profile.kernelMs > 0 ? ms / profile.kernelMs : 0 };
}

export interface MatMulPeak {
  gflops: number;
  shape: string;
}

/** Best GFLOP/s of the WASM backend's plain (untransposed) matMul over a few square sizes. */
export function matMulPeak(): MatMulPeak {
  const rng = new Rng(11);
  let best: MatMulPeak = { gflops: 0, shape: '' };
  for (const n of [256, 512, 1024]) {
    const a = tf.tensor(rng.fillNormal(new Float32Array(n * n)), [1, n, n]);
    const b = tf.tensor(rng.fillNormal(new Float32Array(n * n)), [1, n, n]);
    const t = time(
      () => {
        const c = tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false } as never) as tf.Tensor;
        c.dataSync();
        c.dispose();
      },
      { warmup: 2, reps: 5 },
    );
    const g = gflops(2 * n * n * n, t.medianMs);
    if (g > best.gflops) best = { gflops: g, shape: `${n}×${n}·${n}×${n}` };
    tf.dispose([a, b]);
  }
  return best;
}
