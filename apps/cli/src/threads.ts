// How many WASM threads a command uses: --threads N, else $BACKPROP_THREADS, else a default by
// model. Results do not depend on it (XNNPACK never splits a reduction between threads), only
// the speed does: the CNN's convolutions gain from every core (a step 6.7 → 4.8 s with 2 threads
// here), while the MLPs' matrices are too small to pay for the hand-offs (mlp-tuned, 150 steps:
// 10.0 s on 1 thread, 11.7 s on 2), so they default to one.
import { availableParallelism } from 'node:os';
import { positiveInt } from './args.js';

export type ThreadsWorkload = 'cnn' | 'mlp';

export function defaultThreads(workload: ThreadsWorkload): number {
  return workload === 'cnn' ? availableParallelism() : 1;
}

export function resolveThreads(flag: string | undefined, command: string, workload: ThreadsWorkload, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return positiveInt('--threads', flag, command);
  const fromEnv = env.BACKPROP_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') return positiveInt('BACKPROP_THREADS', fromEnv, command);
  return defaultThreads(workload);
}
