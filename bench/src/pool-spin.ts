// The CNN training step under several spin budgets of the engine's thread pool (how long a waiting
// thread spins before it sleeps in Atomics.wait), alternated step by step in one process so that the
// host's drift moves every budget alike; with each step's count of sleeps (a sleeping thread costs
// 100–350 µs to wake on a VM), which, unlike the times, the host's noise does not blur.
//
//   pnpm --filter @backprop/bench run pool-spin [--threads 2] [--rounds 10] [--budgets 100,5000]
import { availableParallelism, cpus } from 'node:os';
import { enginePoolStats, initBackend, setEngineSpin } from '@backprop/tensor';
import { listOption, wholeNumberOption } from './cli-options.js';
import { median } from './run-workload.js';
import { tfjsTasks } from './tasks/tfjs-tasks.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => wholeNumberOption('pool-spin', argv, name, fallback);
const budgetList = listOption(argv, 'budgets', '100,5000');
const budgets = budgetList.map(Number);
if (budgets.some((b) => !Number.isInteger(b) || b < 0)) throw new Error(`pool-spin: --budgets must be whole numbers of µs ≥ 0, comma-separated, got '${budgetList.join(',')}'`);
const threads = option('threads', Math.max(2, availableParallelism()));
const rounds = option('rounds', 10);

await initBackend({ backend: 'wasm', threads });
const task = tfjsTasks['cnn-step']({ size: 32 });
for (let i = 0; i < 5; i++) task.step(); // the engine's buffers, V8's tier-up
console.log(`CNN training step (batch 32, Adam), ${threads} threads, spin budgets alternated: ${budgets.join(', ')} µs; ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`);
const times = new Map<number, number[]>(budgets.map((b) => [b, []]));
const sleeps = new Map<number, number[]>(budgets.map((b) => [b, []]));
for (let r = 0; r < rounds; r++) {
  const cells: string[] = [];
  for (const budget of r % 2 === 0 ? budgets : [...budgets].reverse()) {
    setEngineSpin(budget);
    task.step(); // one step under the budget before the timed one
    const before = enginePoolStats()!;
    const t = performance.now();
    task.step();
    const ms = performance.now() - t;
    const after = enginePoolStats()!;
    const slept = after.workerSleeps - before.workerSleeps + after.callerSleeps - before.callerSleeps;
    times.get(budget)!.push(ms);
    sleeps.get(budget)!.push(slept);
    cells.push(`${budget} µs ${ms.toFixed(0)} ms, ${slept} sleeps of ${after.jobs - before.jobs} jobs`);
  }
  console.log(`  round ${r + 1}: ${cells.join(' · ')}`);
}
setEngineSpin(5000);
task.dispose();
for (const b of budgets) {
  const ms = times.get(b)!;
  console.log(`${String(b).padStart(7)} µs: median ${median(ms).toFixed(1)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}), median ${median(sleeps.get(b)!)} sleeps a step`);
}
process.exit(0);
