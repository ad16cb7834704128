// Renders a run as markdown: machine, one table of every cell, the targets, and the per-kernel
// profiles of the Backprop steps that miss a target.
import { outsideConvolutions, type KernelRow, type MatMulPeak, type StepProfile } from './kernel-profile.js';
import type { Machine } from './machine.js';
import type { WorkloadResult } from './run-workload.js';
import type { TargetResult } from './targets.js';
import { markdownTable } from './timing.js';

export interface RunReport {
  date: string;
  mode: 'full' | 'quick';
  machine: Machine;
  loadAverage: { start: number[]; end: number[] };
  wallSeconds: number;
  workloads: WorkloadResult[];
  targets: TargetResult[];
}

const SHORT: Record<string, string> = {
  mlp: 'MLP step',
  'conv-layer': 'conv layer',
  'cnn-step': 'CNN step',
  'cnn-eval': 'CNN eval',
  'data-load': 'data load',
};

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`);
const fmtRatio = (r: number) => `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(3)}×`;

/** 'bp' → 'Backprop', 'bp-2t' → '2 threads', 'bp-manual' → 'manual'. */
export function refName(id: string): string {
  const rest = id.replace(/^bp-?/, '');
  const threads = /^(?:(.+)-)?(\d+)t$/.exec(rest);
  if (threads == null) return rest || 'Backprop';
  return threads[1] != null ? `${threads[1]}, ${threads[2]} threads` : `${threads[2]} threads`;
}

function cellsTable(workloads: WorkloadResult[]): string {
  const rows: string[][] = [];
  for (const w of workloads) {
    const byId = new Map(w.cells.map((c) => [c.id, c]));
    w.cells.forEach((c, i) => {
      const time = c.ms != null ? fmtMs(c.ms) : `cannot run: ${c.error ?? 'no result'}`;
      const reps = c.samples.length ? String(c.samples.length) : '—';
      const rss = c.peakRssMib != null ? `${c.peakRssMib.toFixed(0)} MiB` : '—';
      let ratio = c.ref.length ? '' : 'reference';
      if (c.ms != null && c.ref.length) {
        const parts = c.ref
          .map((id) => byId.get(id)!)
          .filter((b) => b.ms != null)
          .map((b) => (c.ref.length > 1 ? `${refName(b.id)} ${fmtRatio(b.ms! / c.ms!)}` : fmtRatio(b.ms! / c.ms!)));
        ratio = parts.join(' · ') || '—';
      } else if (c.ref.length) ratio = '—';
      const leak = c.leaked ? ` (leaked ${c.leaked} tensors)` : '';
      rows.push([i === 0 ? `**${SHORT[w.id] ?? w.id}**` : '', c.label + leak, time, reps, rss, ratio]);
    });
  }
  return markdownTable(['workload', 'implementation', 'median', 'reps', 'peak RSS', 'Backprop ÷ peer'], rows);
}

const fmtShare = (x: number) => `${(100 * x).toFixed(1)}%`;

/** A share target's row: Backprop's milliseconds outside the convolutions, of all kernel time, and the peer's. */
function shareRow(t: TargetResult): string[] {
  if (t.value == null || t.outside == null) return [t.name, '—', `not measured: ${t.why ?? ''}`];
  const o = t.outside;
  const peer = o.peer != null && t.contextValue != null ? `; ${t.context?.label ?? 'peer'}: ${fmtShare(t.contextValue)} (${fmtMs(o.peer.ms)} of ${fmtMs(o.peer.kernelMs)})` : '';
  const measured = `${fmtShare(t.value)} (${fmtMs(o.ms)} of ${fmtMs(o.kernelMs)})${t.scaled ? ', from a reduced batch' : ''}${peer}`;
  const verdict = t.met ? `**met** (${fmtShare(t.value)} ≤ ${fmtShare(t.limit)})` : `**missed** by ${fmtRatio(t.off!)}`;
  return [t.name, measured, verdict];
}

function targetsTable(targets: TargetResult[]): string {
  const rows = targets.map((t) => {
    if (t.kind === 'outside-conv-at-most') return shareRow(t);
    const sense = t.kind === 'at-most' ? 'Backprop ÷ peer' : 'peer ÷ Backprop';
    if (t.value == null) return [t.name, '—', `not measured: ${t.why ?? ''}`];
    const verdict = t.met ? `**met** (${t.kind === 'at-most' ? `${fmtRatio(t.value)} ≤ ${t.limit}×` : `${fmtRatio(t.value)} ≥ ${t.limit}×`})` : `**missed** by ${fmtRatio(t.off!)}`;
    const context = t.context != null && t.contextValue != null ? `; ${t.context.label}: ${fmtRatio(t.contextValue)}` : '';
    return [t.name, `${fmtRatio(t.value)} (${sense})${t.scaled ? ', from a reduced batch ×N' : ''}${context}`, verdict];
  });
  return markdownTable(['target', 'measured', 'verdict'], rows);
}

const rate = (flop: number | null, ms: number, peak: MatMulPeak | null) => {
  if (flop == null || flop === 0 || peak == null) return ['—', '—', '—'];
  const g = (flop / 1e6) / ms;
  return [(flop / 1e9).toFixed(2), g.toFixed(2), `${((100 * g) / peak.gflops).toFixed(0)}%`];
};

/** `peak` null: a PyTorch profile (torch.profiler: aten ops' self CPU time; no flop counts). */
export function profileTable(label: string, profile: StepProfile, peak: MatMulPeak | null, top = 12): string {
  const reps = profile.reps === 1 ? 'one repetition' : `mean of ${profile.reps} repetitions`;
  const outside = outsideConvolutions(profile);
  const head = peak != null
    ? `${label}: ${reps} under tf.profile, wall ${fmtMs(profile.wallMs)}, kernels ${fmtMs(profile.kernelMs)} ` +
      `(${((100 * profile.kernelMs) / profile.wallMs).toFixed(0)}%; the rest is JS: autograd, tidy, dispose), ${fmtMs(outside.ms)} of them (${fmtShare(outside.share)}) outside the convolutions. ` +
      `WASM matMul peak in this run: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.shape}).`
    : `${label}: ${reps} under torch.profiler, wall ${fmtMs(profile.wallMs)}, aten ops' self CPU time ${fmtMs(profile.kernelMs)} ` +
      `(${((100 * profile.kernelMs) / profile.wallMs).toFixed(0)}%; the rest is Python, autograd nodes, the profiler), ${fmtMs(outside.ms)} of it (${fmtShare(outside.share)}) outside the convolutions.`;
  const shown = profile.rows.slice(0, top);
  const rest = profile.rows.slice(top);
  const share = (ms: number) => `${((100 * ms) / profile.kernelMs).toFixed(1)}%`;
  const calls = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  // PyTorch's profile has no flop counts (and no WASM peak to set them against): no rate columns.
  const rated = (r: KernelRow) => (peak == null ? [] : rate(r.flop, r.ms, peak));
  const header = ['kernel', 'calls', 'time', 'share', ...(peak == null ? [] : ['GFLOP', 'GFLOP/s', 'of matMul peak'])];
  const rows = shown.map((r) => [r.kernel, calls(r.calls), fmtMs(r.ms), share(r.ms), ...rated(r)]);
  if (rest.length) {
    const ms = rest.reduce((s, r) => s + r.ms, 0);
    rows.push([`${rest.length} others`, calls(rest.reduce((s, r) => s + r.calls, 0)), fmtMs(ms), share(ms), ...(peak == null ? [] : ['—', '—', '—'])]);
  }
  const shapes = profile.byShape.slice(0, top).map((r) => [`${r.kernel} ${r.shapes}`, calls(r.calls), fmtMs(r.ms), share(r.ms), ...rated(r)]);
  if (shapes.length === 0) return `${head}\n\n${markdownTable(header, rows)}`;
  return `${head}\n\n${markdownTable(header, rows)}\n\nBy input shapes (matrix products and convolutions, slowest ${shapes.length}):\n\n${markdownTable(header, shapes)}`;
}

export function renderReport(r: RunReport): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`## pnpm bench${r.mode === 'quick' ? ' --quick' : ''} — ${r.date}`);
  out.push('');
  out.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}. Node ${m.node}; Backprop WASM SIMD: 1 thread, and every core in the rows that say so (Node worker_threads). ` +
    `Python ${m.python}, NumPy ${m.numpy}, PyTorch ${m.torch} (threads as stated per row).`);
  out.push(`Load average (1/5/15 min) at start ${r.loadAverage.start.map((x) => x.toFixed(2)).join(' / ')}, at end ${r.loadAverage.end.map((x) => x.toFixed(2)).join(' / ')}; run took ${fmtMs(r.wallSeconds * 1000)}.`);
  out.push('Median of the timed repetitions after warm-up; Backprop and its peers take turns, round by round. ' +
    '"Backprop ÷ peer" < 1 means Backprop is faster. Peak RSS is that cell\'s own process. Rows marked "×N" time a reduced batch and scale it up.');
  out.push('');
  out.push(cellsTable(r.workloads));
  out.push('');
  out.push('### Targets');
  out.push('');
  out.push(targetsTable(r.targets));
  const profiles = r.workloads.flatMap((w) => w.profiles.map((p) => ({ w, p })));
  if (profiles.length) {
    out.push('');
    out.push('### Where the time goes: per-kernel profiles of the Backprop steps that miss a target or come within 20% of it, and those a share target needs (with PyTorch\'s)');
    for (const { w, p } of profiles) {
      const cell = w.cells.find((c) => c.id === p.cell)!;
      out.push('');
      out.push(profileTable(`${SHORT[w.id] ?? w.id}, ${cell.label}`, p.profile, p.peak));
    }
  }
  return out.join('\n');
}
