// The performance targets of issue 7, each a ratio of two cells measured in the same run.
import type { WorkloadResult } from './run-workload.js';

export interface Target {
  workload: string;
  /** Backprop cell and peer cell. */
  bp: string;
  peer: string;
  name: string;
  /** 'at-most': Backprop ÷ peer ≤ limit. 'faster-by': peer ÷ Backprop ≥ limit. */
  kind: 'at-most' | 'faster-by';
  limit: number;
}

export const targets: Target[] = [
  { workload: 'mlp', bp: 'bp-manual', peer: 'numpy', name: 'MLP step (manual) ≤ 6× NumPy', kind: 'at-most', limit: 6 },
  { workload: 'mlp', bp: 'bp-layers', peer: 'numpy', name: 'MLP step (layers) ≤ 6× NumPy', kind: 'at-most', limit: 6 },
  { workload: 'mlp', bp: 'bp-manual', peer: 'cpu-manual', name: 'MLP step (manual) ≥ 20× faster than tfjs-cpu', kind: 'faster-by', limit: 20 },
  { workload: 'mlp', bp: 'bp-layers', peer: 'cpu-layers', name: 'MLP step (layers) ≥ 20× faster than tfjs-cpu', kind: 'faster-by', limit: 20 },
  { workload: 'cnn-step', bp: 'bp', peer: 'torch', name: 'CNN step ≤ 4× PyTorch CPU', kind: 'at-most', limit: 4 },
  { workload: 'cnn-step', bp: 'bp', peer: 'cpu', name: 'CNN step ≥ 10× faster than tfjs-cpu', kind: 'faster-by', limit: 10 },
  { workload: 'cnn-eval', bp: 'bp', peer: 'torch', name: 'CNN eval ≤ 4× PyTorch CPU', kind: 'at-most', limit: 4 },
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
}

/**
 * The targets, each also for Backprop on every core where the run has that cell (`bp-Nt`, the
 * conv workloads): PyTorch and NumPy use every core, so that row is the like-for-like one.
 */
function withThreadedRows(workloads: Pick<WorkloadResult, 'id' | 'cells'>[]): Target[] {
  return targets.flatMap((t) => {
    const threaded = t.bp === 'bp' && t.kind === 'at-most' ? workloads.find((w) => w.id === t.workload)?.cells.find((c) => /^bp-\d+t$/.test(c.id)) : undefined;
    if (threaded == null) return [t];
    const n = /^bp-(\d+)t$/.exec(threaded.id)![1];
    return [{ ...t, name: `${t.name} (Backprop 1 thread)` }, { ...t, bp: threaded.id, name: `${t.name} (Backprop ${n} threads)` }];
  });
}

export function evaluateTargets(workloads: Pick<WorkloadResult, 'id' | 'cells'>[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const t of withThreadedRows(workloads)) {
    const w = workloads.find((x) => x.id === t.workload);
    if (w == null) continue;
    const bp = w.cells.find((c) => c.id === t.bp);
    const peer = w.cells.find((c) => c.id === t.peer);
    if (bp == null || peer == null) continue;
    if (bp.ms == null || peer.ms == null) {
      out.push({ ...t, value: null, met: null, off: null, why: bp.error ?? peer.error ?? 'not measured', scaled: false });
      continue;
    }
    const value = t.kind === 'at-most' ? bp.ms / peer.ms : peer.ms / bp.ms;
    const met = t.kind === 'at-most' ? value <= t.limit : value >= t.limit;
    out.push({ ...t, value, met, off: t.kind === 'at-most' ? value / t.limit : t.limit / value, scaled: bp.scale !== 1 || peer.scale !== 1 });
  }
  return out;
}
