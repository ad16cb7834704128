// The runner's side of the worker protocol: spawns a Node or Python worker for one cell and
// sends it commands one at a time (a worker computes only when asked, so two never run at once).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MARK, type Command, type EndReply, type ErrorReply, type ReadyReply, type RunReply } from './protocol.js';
import type { StepProfile, MatMulPeak } from './kernel-profile.js';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchDir, '..');
export const PYTHON = '/usr/bin/python3';

export interface WorkerSpec {
  runtime: 'node' | 'python';
  impl: string;
  task: string;
  size: number;
  /** Python: torch threads / OPENBLAS_NUM_THREADS. Node: WASM threads (default 1). */
  threads?: number;
}

/** Environment for Python peers: OpenBLAS tuning variables set for other jobs are dropped. */
export function pythonEnv(threads?: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads != null) {
    env.OPENBLAS_NUM_THREADS = String(threads);
    env.OMP_NUM_THREADS = String(threads);
  }
  return env;
}

export class WorkerError extends Error {}

export class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private closed = false;
  private stderrTail = '';

  constructor(readonly spec: WorkerSpec) {
    const args = ['--impl', spec.impl, '--task', spec.task, '--size', String(spec.size)];
    if (spec.runtime === 'node') {
      // process.execArgv carries tsx's loader, so the worker runs from TypeScript as the runner does.
      const threads = spec.threads != null ? ['--threads', String(spec.threads)] : [];
      this.child = spawn(process.execPath, [...process.execArgv, path.join(benchDir, 'src', 'worker.ts'), ...args, ...threads], { cwd: benchDir });
    } else {
      const py = [path.join(benchDir, 'py', 'worker.py'), ...args, ...(spec.threads != null ? ['--threads', String(spec.threads)] : [])];
      this.child = spawn(PYTHON, py, { cwd: repoRoot, env: pythonEnv(spec.threads) });
    }
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith(MARK)) return; // library chatter (tfjs's Node banner, warnings)
      this.push(line.slice(MARK.length));
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.child.on('close', () => {
      this.closed = true;
      this.push(null);
    });
  }

  private push(line: string | null): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(line);
    } else if (line != null) this.replies.push(line);
  }

  private next<T>(): Promise<T> {
    const parse = (line: string | null): T => {
      if (line == null) throw new WorkerError(`worker ${this.spec.impl}/${this.spec.task} exited: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
      const obj = JSON.parse(line) as T | ErrorReply;
      if (obj != null && typeof obj === 'object' && 'error' in obj) throw new WorkerError(obj.error);
      return obj as T;
    };
    const queued = this.replies.shift();
    if (queued != null) return Promise.resolve().then(() => parse(queued));
    if (this.closed) return Promise.resolve().then(() => parse(null));
    return new Promise<string | null>((resolve) => (this.waiting = resolve)).then(parse);
  }

  private send<T>(cmd: Command): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    return this.next<T>();
  }

  ready(): Promise<ReadyReply> {
    return this.next<ReadyReply>();
  }

  run(warmup: number, reps: number): Promise<RunReply> {
    return this.send<RunReply>({ cmd: 'run', warmup, reps });
  }

  profile(reps: number): Promise<{ profile: StepProfile; peak: MatMulPeak | null }> {
    return this.send({ cmd: 'profile', reps });
  }

  /** Ends the worker; returns its peak RSS in MiB (null if it had already exited). */
  async end(): Promise<number | null> {
    if (this.closed) return null;
    try {
      const r = await this.send<EndReply>({ cmd: 'end' });
      return r.peak_rss_mib;
    } catch {
      return null;
    } finally {
      this.child.stdin.end();
    }
  }

  kill(): void {
    if (!this.closed) this.child.kill();
  }
}
