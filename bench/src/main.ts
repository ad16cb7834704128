// `pnpm bench`: times the workloads of the reference settings in Backprop and in every peer on this machine, side by
// side in one run, and prints one markdown table (see bench/README.md).
//
//   pnpm bench [--quick] [--json [file]] [--only mlp,conv-layer,cnn-step,cnn-eval,data-load]
//              [--eval-batch <images per eval repetition, default 100>] [--load-rounds <n>]
//              [--archive <cifar-10-binary.tar.gz>] [--no-slow] [--profile-all]
//              [--kernels]   (also the per-kernel GFLOP/s table of src/kernels.ts)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDataLoad } from './data-load.js';
import { describeMachine } from './machine.js';
import { plan } from './plan.js';
import { renderReport, type RunReport } from './report.js';
import { runWorkload, type CellResult, type WorkloadResult } from './run-workload.js';
import { cellsProfiledForTargets, evaluateTargets } from './targets.js';
import { benchDir } from './worker-client.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v == null || v.startsWith('--')) throw new Error(`bench: --${name} needs a value`);
  return v;
}
const known = new Set(['quick', 'json', 'only', 'eval-batch', 'load-rounds', 'kernels', 'profile-all', 'no-slow', 'archive']);
for (const a of argv) {
  if (a.startsWith('--') && !known.has(a.slice(2))) throw new Error(`bench: unknown option ${a} (have ${[...known].map((k) => `--${k}`).join(', ')})`);
}

const quick = flag('quick');
const evalBatch = Number(option('eval-batch') ?? 100);
if (!(Number.isInteger(evalBatch) && evalBatch > 0 && 2000 % evalBatch === 0)) throw new Error(`bench: --eval-batch must divide 2000, got ${evalBatch}`);
const loadRounds = Number(option('load-rounds') ?? (quick ? 1 : 5));
const only = option('only')?.split(',');
// `--json` alone writes bench/results/latest.json; `--json <file>` (relative to where pnpm was run) writes there.
const jsonAt = argv.indexOf('--json');
const jsonFile = jsonAt < 0 ? undefined : argv[jsonAt + 1] != null && !argv[jsonAt + 1]!.startsWith('--') ? argv[jsonAt + 1]! : path.join(benchDir, 'results', 'latest.json');
const profileAll = flag('profile-all');

const started = performance.now();
const loadStart = os.loadavg();
const machine = describeMachine();
const threads = machine.cores;
process.stderr.write(`bench${quick ? ' --quick' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, NumPy ${machine.numpy}, PyTorch ${machine.torch}\n`);
process.stderr.write(`load average at start: ${loadStart.map((x) => x.toFixed(2)).join(' ')}\n`);

/**
 * Profile the Backprop cells of a workload when one of its targets is missed or within 20% of its
 * limit (on a shared machine a near miss in one run is a miss in the next), and the cells a share
 * target is measured on (Backprop on every core and PyTorch on as many threads).
 */
const cellsToProfile = (id: string) => (cells: CellResult[]) => {
  const forShares = cellsProfiledForTargets({ id, cells });
  if (profileAll) return [...new Set([...cells.filter((c) => c.impl === 'backprop').map((c) => c.id), ...forShares])];
  const atRisk = evaluateTargets([{ id, cells }]).filter((t) => t.kind !== 'outside-conv-at-most' && t.off != null && t.off > 0.8);
  return [...new Set([...atRisk.map((t) => t.bp), ...forShares])];
};

const workloads: WorkloadResult[] = [];
for (const w of plan({ quick, evalBatch, noSlow: flag('no-slow') }, threads)) {
  if (only && !only.includes(w.id)) continue;
  workloads.push(await runWorkload(w, cellsToProfile(w.id)));
}
const archive = option('archive');
if (!only || only.includes('data-load')) workloads.push(runDataLoad(loadRounds, archive == null ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), archive)));

const report: RunReport = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  mode: quick ? 'quick' : 'full',
  machine,
  loadAverage: { start: loadStart, end: os.loadavg() },
  wallSeconds: (performance.now() - started) / 1000,
  workloads,
  targets: evaluateTargets(workloads),
};
let text = renderReport(report);
if (flag('kernels')) {
  // Loaded only here: it brings tfjs into this process, which otherwise only coordinates.
  const { runKernelBench } = await import('./kernels.js');
  text += `\n\n### Kernels (src/kernels.ts)\n\n${await runKernelBench(quick)}`;
}
console.log(`\n${text}`);
if (jsonFile) {
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), jsonFile);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...report, markdown: text }, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
}
