// Runs one workload: a worker process per cell, then rounds in which every cell takes its turn
// (the starting cell rotates), so Backprop and its peers see the same machine load; then, where
// asked, a per-kernel profile from a Backprop or PyTorch worker; then each worker's peak RSS.
import type { MatMulPeak, StepProfile } from './kernel-profile.js';
import type { CellSpec, WorkloadSpec } from './plan.js';
import { Worker } from './worker-client.js';

export interface CellResult {
  id: string;
  label: string;
  impl: string;
  runtime: 'node' | 'python';
  /** What one repetition ran (batch or images) and the factor to the full workload. */
  size: number;
  scale: number;
  /** Median repetition time × scale. */
  ms: number | null;
  samples: number[];
  peakRssMib: number | null;
  ref: string[];
  info: Record<string, unknown>;
  error?: string;
  leaked?: number;
  note?: string;
}

export interface WorkloadResult {
  id: string;
  title: string;
  cells: CellResult[];
  /** Per-kernel profiles (Backprop: tf.profile with the WASM matMul peak; PyTorch: torch.profiler, no peak). */
  profiles: Array<{ cell: string; profile: StepProfile; peak: MatMulPeak | null }>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * `wantProfile(results)` is asked once the timing is done, with the medians known; it names the
 * Backprop cells to profile (e.g. those that miss a target).
 */
export async function runWorkload(w: WorkloadSpec, wantProfile: (cells: CellResult[]) => string[]): Promise<WorkloadResult> {
  log(`\n${w.title}`);
  const results = new Map<string, CellResult>();
  const workers = new Map<string, Worker>();
  const specs = new Map<string, CellSpec>(w.cells.map((c) => [c.id, c]));
  // Start every worker at once (imports and set-up are not timed), then wait for all.
  for (const c of w.cells) {
    workers.set(c.id, new Worker(c));
    results.set(c.id, { id: c.id, label: c.label, impl: c.impl, runtime: c.runtime, size: c.size, scale: c.scale, ms: null, samples: [], peakRssMib: null, ref: c.ref ?? [], info: {}, note: c.note });
  }
  await Promise.all(
    w.cells.map(async (c) => {
      try {
        results.get(c.id)!.info = (await workers.get(c.id)!.ready()).info;
      } catch (e) {
        results.get(c.id)!.error = message(e);
      }
    }),
  );
  const leaked = new Map<string, number>();
  for (let round = 0; round < w.rounds; round++) {
    const order = w.cells.map((_, i) => w.cells[(i + round) % w.cells.length]!);
    for (const c of order) {
      const r = results.get(c.id)!;
      if (r.error != null || round >= (c.rounds ?? w.rounds)) continue;
      const warmup = round === 0 ? c.warmup : (c.roundWarmup ?? 0);
      try {
        const reply = await workers.get(c.id)!.run(warmup, c.reps ?? 1);
        r.samples.push(...reply.samples);
        // Without warm-up the first step creates optimizer state (Adam's moments): not a leak.
        if (round > 0 || warmup > 0) leaked.set(c.id, (leaked.get(c.id) ?? 0) + (reply.leaked ?? 0));
        log(`  round ${round + 1}/${c.rounds ?? w.rounds} ${c.label}: ${reply.samples.map((s) => s.toFixed(1)).join(', ')} ms`);
      } catch (e) {
        r.error = message(e);
        log(`  ${c.label}: ${r.error}`);
      }
    }
  }
  for (const r of results.values()) {
    if (r.samples.length > 0) r.ms = median(r.samples) * r.scale;
    if (r.runtime === 'node' && r.impl !== 'convnetjs') r.leaked = leaked.get(r.id) ?? 0;
  }
  const cells = w.cells.map((c) => results.get(c.id)!);
  const profiles: WorkloadResult['profiles'] = [];
  for (const id of wantProfile(cells)) {
    const spec = specs.get(id);
    if ((spec?.impl !== 'backprop' && spec?.impl !== 'torch') || results.get(id)!.error != null) continue;
    // A single short step is at the mercy of the machine's load: profile ~3 s worth of them.
    const repMs = median(results.get(id)!.samples);
    const reps = Math.max(1, Math.min(10, Math.round(3000 / repMs)));
    log(`  profiling ${reps} repetition(s) of ${spec.label} (${spec.impl === 'torch' ? 'torch.profiler' : 'tf.profile, and the WASM matMul peak'})`);
    try {
      profiles.push({ cell: id, ...(await workers.get(id)!.profile(reps)) });
    } catch (e) {
      log(`  profile failed: ${message(e)}`);
    }
  }
  for (const c of w.cells) results.get(c.id)!.peakRssMib = await workers.get(c.id)!.end();
  for (const wk of workers.values()) wk.kill();
  return { id: w.id, title: w.title, cells, profiles };
}
