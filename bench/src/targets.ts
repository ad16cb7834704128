// The performance targets, each a ratio of two cells measured in the same run, or the share of a
// cell's profiled kernel time spent outside the convolutions.
import { outsideConvolutions } from './kernel-profile.js';
import type { WorkloadResult } from './run-workload.js';

export interface Target {
  workload: string;
  /** Backprop cell and peer cell. */
  bp: string;
  peer: string;
  name: string;
  /**
   * 'at-most': Backprop ÷ peer ≤ limit. 'faster-by': peer ÷ Backprop ≥ limit. 'outside-conv-at-most':
   * the share of the Backprop cell's profiled kernel time outside the convolutions ≤ limit (a
   * fraction); the peer's own share, from its profiler in the same run, is the context.
   */
  kind: 'at-most' | 'faster-by' | 'outside-conv-at-most';
  limit: number;
  /**
   * A ratio shown beside the verdict (not part of it): `slow` ÷ `fast` of two peer cells of the same
   * run. For the thread scaling, PyTorch's own: on a shared VM the second core gives what the host
   * lets it, and a peer in the same minutes shows how much that was.
   */
  context?: { label: string; slow: string; fast: string };
}

// Issues 14 and 15: Backprop against each peer at the same thread count (1 thread against
// 1 thread; Backprop on every core, the `bp-Nt` cell, against the peer on every core), plus the
// thread scaling of the CNN step. `bp-Nt` stands for whichever `bp-<n>t` cell the run has.
export const targets: Target[] = [
  { workload: 'mlp', bp: 'bp-manual', peer: 'numpy-1t', name: 'MLP step (manual) ≤ 3× NumPy, both 1 thread', kind: 'at-most', limit: 3 },
  { workload: 'mlp', bp: 'bp-layers', peer: 'numpy-1t', name: 'MLP step (layers) ≤ 3× NumPy, both 1 thread', kind: 'at-most', limit: 3 },
  { workload: 'mlp', bp: 'bp-manual-Nt', peer: 'numpy', name: 'MLP step (manual) ≤ 3× NumPy, both on every core', kind: 'at-most', limit: 3 },
  { workload: 'mlp', bp: 'bp-layers-Nt', peer: 'numpy', name: 'MLP step (layers) ≤ 3× NumPy, both on every core', kind: 'at-most', limit: 3 },
  { workload: 'mlp', bp: 'bp-manual', peer: 'cpu-manual', name: 'MLP step (manual) ≥ 20× faster than tfjs-cpu', kind: 'faster-by', limit: 20 },
  { workload: 'mlp', bp: 'bp-layers', peer: 'cpu-layers', name: 'MLP step (layers) ≥ 20× faster than tfjs-cpu', kind: 'faster-by', limit: 20 },
  { workload: 'cnn-step', bp: 'bp', peer: 'torch-1t', name: 'CNN step ≤ 2× PyTorch CPU, both 1 thread', kind: 'at-most', limit: 2 },
  { workload: 'cnn-step', bp: 'bp-Nt', peer: 'torch', name: 'CNN step ≤ 2× PyTorch CPU, both on every core', kind: 'at-most', limit: 2 },
  { workload: 'cnn-step', bp: 'bp-Nt', peer: 'bp', name: 'CNN step on every core ≥ 1.7× faster than on 1 thread', kind: 'faster-by', limit: 1.7, context: { label: 'PyTorch, same run, every core ÷ 1 thread', slow: 'torch-1t', fast: 'torch' } },
  { workload: 'cnn-step', bp: 'bp', peer: 'cpu', name: 'CNN step ≥ 10× faster than tfjs-cpu', kind: 'faster-by', limit: 10 },
  // Issue 14: BatchNorm, pooling, residual adds, bias sums and the optimizer together ≤ 5% of the
  // step's kernel time (tf.profile), on every core. PyTorch's share of its own (torch.profiler, aten
  // ops; its bias gradients sit inside its convolution ops) beside it.
  { workload: 'cnn-step', bp: 'bp-Nt', peer: 'torch', name: 'CNN step: kernels outside the convolutions ≤ 5% of kernel time, on every core', kind: 'outside-conv-at-most', limit: 0.05, context: { label: 'PyTorch, same run, its ops outside the convolutions', slow: 'torch', fast: 'torch' } },
  { workload: 'cnn-eval', bp: 'bp', peer: 'torch-1t', name: 'CNN eval ≤ 1.5× PyTorch CPU, both 1 thread', kind: 'at-most', limit: 1.5 },
  { workload: 'cnn-eval', bp: 'bp-Nt', peer: 'torch', name: 'CNN eval ≤ 1.5× PyTorch CPU, both on every core', kind: 'at-most', limit: 1.5 },
  { workload: 'data-load', bp: 'bp', peer: 'numpy', name: 'Data load ≤ 1.5× NumPy', kind: 'at-most', limit: 1.5 },
];

export interface TargetResult extends Target {
  /** The measured ratio in the target's own sense (Backprop ÷ peer, or peer ÷ Backprop). */
  value: number | null;
  met: boolean | null;
  /** How far off: value ÷ limit for 'at-most', limit ÷ value for 'faster-by' (> 1 = missed by that factor). */
  off: number | null;
  why?: string;
  /** One side timed a reduced batch, scaled up (the ratio is indicative). */
  scaled: boolean;
  /** The context ratio (Target.context), where both its cells were measured; for a share target, the peer's share. */
  contextValue?: number;
  /** Share targets: milliseconds outside the convolutions and all kernel milliseconds, Backprop's and the peer's. */
  outside?: { ms: number; kernelMs: number; peer?: { ms: number; kernelMs: number } };
}

/**
 * The targets with `<cell>-Nt` resolved to the run's threaded cell of that name (`bp-2t`,
 * `bp-manual-2t` on 2 cores); a target whose threaded cell the run lacks is left out.
 */
function withThreadedRows(workloads: Pick<WorkloadResult, 'id' | 'cells'>[]): Target[] {
  return targets.flatMap((t) => {
    if (!t.bp.endsWith('-Nt')) return [t];
    const pattern = new RegExp(`^${t.bp.slice(0, -'-Nt'.length)}-\\d+t$`);
    const threaded = workloads.find((w) => w.id === t.workload)?.cells.find((c) => pattern.test(c.id));
    return threaded == null ? [] : [{ ...t, bp: threaded.id }];
  });
}

/** Cells whose profile a share target of this workload needs (the Backprop cell and its peer). */
export function cellsProfiledForTargets(workload: Pick<WorkloadResult, 'id' | 'cells'>): string[] {
  return withThreadedRows([workload]).filter((t) => t.workload === workload.id && t.kind === 'outside-conv-at-most').flatMap((t) => [t.bp, t.peer]);
}

function shareTarget(t: Target, w: Pick<WorkloadResult, 'id' | 'cells'> & Partial<Pick<WorkloadResult, 'profiles'>>): TargetResult {
  const profileOf = (id: string) => w.profiles?.find((p) => p.cell === id)?.profile;
  const bp = profileOf(t.bp);
  if (bp == null) {
    const cell = w.cells.find((c) => c.id === t.bp);
    return { ...t, value: null, met: null, off: null, why: cell?.error ?? 'not profiled', scaled: false };
  }
  const mine = outsideConvolutions(bp);
  const peerProfile = profileOf(t.peer);
  const peer = peerProfile == null ? undefined : { ...outsideConvolutions(peerProfile), kernelMs: peerProfile.kernelMs };
  return {
    ...t,
    value: mine.share,
    met: mine.share <= t.limit,
    off: mine.share / t.limit,
    scaled: w.cells.find((c) => c.id === t.bp)?.scale !== 1,
    outside: { ms: mine.ms, kernelMs: bp.kernelMs, ...(peer != null ? { peer: { ms: peer.ms, kernelMs: peer.kernelMs } } : {}) },
    ...(peer != null ? { contextValue: peer.share } : {}),
  };
}

export function evaluateTargets(workloads: Array<Pick<WorkloadResult, 'id' | 'cells'> & Partial<Pick<WorkloadResult, 'profiles'>>>): TargetResult[] {
  const out: TargetResult[] = [];
  for (const t of withThreadedRows(workloads)) {
    const w = workloads.find((x) => x.id === t.workload);
    if (w == null) continue;
    const bp = w.cells.find((c) => c.id === t.bp);
    const peer = w.cells.find((c) => c.id === t.peer);
    if (bp == null || peer == null) continue;
    if (t.kind === 'outside-conv-at-most') {
      out.push(shareTarget(t, w));
      continue;
    }
    if (bp.ms == null || peer.ms == null) {
      out.push({ ...t, value: null, met: null, off: null, why: bp.error ?? peer.error ?? 'not measured', scaled: false });
      continue;
    }
    const value = t.kind === 'at-most' ? bp.ms / peer.ms : peer.ms / bp.ms;
    const met = t.kind === 'at-most' ? value <= t.limit : value >= t.limit;
    const slow = t.context && w.cells.find((c) => c.id === t.context!.slow)?.ms;
    const fast = t.context && w.cells.find((c) => c.id === t.context!.fast)?.ms;
    const contextValue = slow != null && fast != null ? slow / fast : undefined;
    out.push({ ...t, value, met, off: t.kind === 'at-most' ? value / t.limit : t.limit / value, scaled: bp.scale !== 1 || peer.scale !== 1, ...(contextValue != null ? { contextValue } : {}) });
  }
  return out;
}
