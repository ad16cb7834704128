// How the CNN training step scales from 1 to every core when steps follow each other, as in training:
// for each round a fresh process per thread count (order alternated between rounds) runs 3 warm-up
// steps, then times `--steps` steps back to back; prints each process's median and each round's ratio.
// `pnpm bench` times one step per round between other processes' turns; this is the steady state.
//
//   pnpm --filter @backprop/bench run scaling [--rounds 2] [--steps 8] [--threads 2]
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { wholeNumberOption } from './cli-options.js';
import { median } from './run-workload.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => wholeNumberOption('scaling', argv, name, fallback);

if (argv.includes('--child')) {
  const { initBackend } = await import('@backprop/tensor');
  const { tfjsTasks } = await import('./tasks/tfjs-tasks.js');
  await initBackend({ backend: 'wasm', threads: option('threads', 1) });
  const task = tfjsTasks['cnn-step']({ size: 32 });
  for (let i = 0; i < 3; i++) task.step();
  const ms: number[] = [];
  for (let i = 0; i < option('steps', 8); i++) {
    const t = performance.now();
    task.step();
    ms.push(performance.now() - t);
  }
  task.dispose();
  process.stdout.write(JSON.stringify(ms) + '\n');
} else {
  const rounds = option('rounds', 2);
  const steps = option('steps', 8);
  const many = option('threads', availableParallelism());
  const self = fileURLToPath(import.meta.url);
  const run = (threads: number): number[] =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, self, '--child', '--threads', String(threads), '--steps', String(steps)], { encoding: 'utf8' }).trim().split('\n').pop()!);
  console.log(`CNN training step (batch 32, Adam), ${steps} steps back to back per process; ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const medians = new Map<number, number>();
    for (const threads of r % 2 === 0 ? [1, many] : [many, 1]) {
      const ms = run(threads);
      medians.set(threads, median(ms));
      console.log(`  round ${r + 1}, ${threads} thread${threads > 1 ? 's' : ''}: ${ms.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(ms).toFixed(0)})`);
    }
    ratios.push(medians.get(1)! / medians.get(many)!);
    console.log(`  round ${r + 1}: ${many} threads ${ratios.at(-1)!.toFixed(2)}× the speed of 1`);
  }
  console.log(`median over ${rounds} rounds: ${median(ratios).toFixed(2)}×`);
}
