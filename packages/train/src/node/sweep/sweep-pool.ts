// A pool of worker processes on this machine: at most `workers` trials at once, each its own
// process (its own WASM backend and threads), started in the plan's order. Each child runs in its
// own process group, so a Ctrl-C at the terminal reaches only the sweep, which then asks each
// running trial to stop once (SIGTERM: the trial checkpoints and exits) and starts no more.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { positiveInt } from '@backprop/tensor';

export interface PoolTask {
  id: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout and stderr go (appended). */
  log: string;
}

export interface PoolOptions {
  workers: number;
  signal?: AbortSignal;
  onStart?: (task: PoolTask) => void;
  onExit?: (task: PoolTask, code: number) => void | Promise<void>;
}

/** Runs the tasks; resolves with each started task's exit code (128 + n for a signal), and whether it was stopped. */
export async function runPool(tasks: PoolTask[], { workers, signal, onStart, onExit }: PoolOptions): Promise<{ codes: Map<string, number>; stopped: boolean }> {
  positiveInt('runPool', 'workers', workers);
  const codes = new Map<string, number>();
  const running = new Map<string, ReturnType<typeof spawn>>();
  let next = 0;
  const stopAll = () => {
    for (const child of running.values()) if (child.pid != null && child.exitCode == null) child.kill('SIGTERM');
  };
  signal?.addEventListener('abort', stopAll, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const launch = () => {
        while (running.size < workers && next < tasks.length && !signal?.aborted) {
          const task = tasks[next++]!;
          mkdirSync(path.dirname(task.log), { recursive: true });
          const fd = openSync(task.log, 'a');
          let child: ReturnType<typeof spawn>;
          try {
            child = spawn(task.command, task.args, { stdio: ['ignore', fd, fd], env: task.env ?? process.env, detached: true });
          } finally {
            closeSync(fd);
          }
          running.set(task.id, child);
          onStart?.(task);
          child.once('error', (err) => {
            running.delete(task.id);
            reject(new Error(`runPool: cannot start ${task.command} for ${task.id} (${err.message})`));
          });
          child.once('exit', (code, sig) => {
            running.delete(task.id);
            const c = code ?? (sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : sig === 'SIGKILL' ? 137 : 1);
            codes.set(task.id, c);
            Promise.resolve(onExit?.(task, c))
              .then(() => {
                launch();
                if (running.size === 0 && (next >= tasks.length || signal?.aborted)) resolve();
              })
              .catch(reject);
          });
        }
        if (running.size === 0 && (next >= tasks.length || signal?.aborted)) resolve();
      };
      launch();
    });
  } finally {
    signal?.removeEventListener('abort', stopAll);
    stopAll();
  }
  return { codes, stopped: signal?.aborted === true };
}
