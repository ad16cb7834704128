// The CNN training step under each Winograd mode, alternated step by step in one process, so that a
// host that speeds up and slows down from minute to minute (ours does, by up to half) moves every
// mode alike. Each round runs, for every mode in turn, one untimed step (the mode's filter
// transforms are cached per weight version) and then `--steps` timed steps; prints each mode's
// per-round means and the median over the rounds.
//
//   pnpm --filter @backprop/bench run winograd-modes [--threads 2] [--rounds 6] [--steps 2] [--modes auto,F2]
//
// 'auto' is F(2,3) forward and F(4,3) for both gradients from 4×4 maps; 'F2' and 'F4' one variant in
// every pass; 'off' the implicit GEMM (packages/tensor/src/kernels/winograd.ts, winogradChoice).
import { availableParallelism, cpus } from 'node:os';
import { initBackend, setWinogradMode, type WinogradMode } from '@backprop/tensor';
import { listOption, wholeNumberOption } from './cli-options.js';
import { median } from './run-workload.js';
import { tfjsTasks } from './tasks/tfjs-tasks.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => wholeNumberOption('winograd-modes', argv, name, fallback);
const modes = listOption(argv, 'modes', 'auto,F2') as WinogradMode[];
for (const mode of modes) setWinogradMode(mode); // throws, naming the allowed modes, on a bad one

const threads = option('threads', availableParallelism());
const rounds = option('rounds', 6);
const steps = option('steps', 2);
await initBackend({ backend: 'wasm', threads });
const task = tfjsTasks['cnn-step']({ size: 32 });
for (const mode of modes) {
  setWinogradMode(mode);
  task.step(); // warm-up: the engine's buffers, the mode's transforms
}
console.log(`CNN training step (batch 32, Adam), ${threads} thread${threads > 1 ? 's' : ''}, modes alternated: ${modes.join(', ')}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`);
const perMode = new Map<WinogradMode, number[]>(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) {
  const cells: string[] = [];
  for (const mode of modes) {
    setWinogradMode(mode);
    task.step();
    const t = performance.now();
    for (let i = 0; i < steps; i++) task.step();
    const ms = (performance.now() - t) / steps;
    perMode.get(mode)!.push(ms);
    cells.push(`${mode} ${ms.toFixed(0)} ms`);
  }
  console.log(`  round ${r + 1}: ${cells.join(' · ')}`);
}
setWinogradMode('auto');
task.dispose();
const base = median(perMode.get(modes[0]!)!);
for (const [mode, ms] of perMode) {
  const m = median(ms);
  console.log(`${mode.padEnd(5)} median ${m.toFixed(1)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})${mode === modes[0] ? '' : `, ${(m / base).toFixed(3)}× ${modes[0]}`}`);
}
