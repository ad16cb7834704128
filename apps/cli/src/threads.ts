// How many WASM threads a command uses: --threads N, else $BACKPROP_THREADS, else one per core
// the process may use. Results do not depend on it (XNNPACK never splits a reduction between
// threads), only the speed does; on this 2-core machine 2 threads against 1 (quiet machine,
// 2026-11-27): the CNN step 5.31 → 3.68 s, mlp-manual 300 steps 10.1 → 8.5 s, mlp-tuned 13.3 → 11.6 s.
import { availableParallelism } from 'node:os';
import { positiveIntFlag } from './args.js';

/**
 * The most threads the WASM backend runs: tfjs-backend-wasm's threaded build starts a pool of 8
 * workers (pthreadPoolSize=8), and more were silently run as 8. Asking for more is an error.
 */
export const MAX_THREADS = 8;

export function resolveThreads(flag: string | undefined, command: string, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return positiveIntFlag('--threads', flag, command, MAX_THREADS);
  const fromEnv = env.BACKPROP_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') return positiveIntFlag('BACKPROP_THREADS', fromEnv, command, MAX_THREADS);
  return Math.min(availableParallelism(), MAX_THREADS);
}
