// backprop sweep <spec> | --resume <folder> | status <folder> | collect <folder> | trial <folder> <i>
//
// A sweep is a folder: sweep.json (the spec and every trial's config, fixed up front), one ordinary
// run folder per trial, each trial's outcome and the results. Locally a pool of worker processes
// runs the trials (`backprop sweep trial`, one process each); with --slurm the same command is each
// task of a Slurm job array. status/collect read the folder, wherever the trials ran.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMetric, formatValue, parseSweepSpec, planTrials, searchedKeys, SweepSpecError, type TrialResult } from '@backprop/train';
import {
  clearOutcome,
  collectTrials,
  createSweepFolder,
  createUniqueDir,
  logFile,
  readTrial,
  readOutcome,
  readSweepPlan,
  runPool,
  RUN_FILES,
  slurmScript,
  submitSlurm,
  SweepFolderError,
  trialDir,
  writeOutcome,
  writeSweepPlan,
  writeSweepResults,
  type PoolTask,
  type SweepPlan,
  type TrialOutcome,
} from '@backprop/train/node';
import { hostname } from 'node:os';
import { parse, positiveIntFlag, nonNegativeIntFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { SWEEP_HELP } from '../help.js';
import type { Io, StopSignal } from '../io.js';
import { signalExitCode, signalName } from '../io.js';
import { main } from '../main.js';
import { formatTable } from '../table.js';
import { MAX_THREADS, resolveThreads } from '../threads.js';
import { EXIT_DIVERGED } from './train.js';

const CMD = 'sweep';

const SWEEP_OPTIONS = {
  out: { type: 'string' },
  data: { type: 'string' },
  'cache-dir': { type: 'string' },
  resume: { type: 'string' },
  workers: { type: 'string' },
  'threads-per-trial': { type: 'string' },
  threads: { type: 'string' },
  slurm: { type: 'boolean' },
  partition: { type: 'string' },
  time: { type: 'string' },
  'cpus-per-task': { type: 'string' },
  'sbatch-line': { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
} as const;

/** The built CLI that worker processes and Slurm tasks run ($BACKPROP_CLI overrides). */
export function cliEntry(): string {
  if (process.env.BACKPROP_CLI) return path.resolve(process.env.BACKPROP_CLI);
  const here = fileURLToPath(import.meta.url);
  // In dist this module is bundled into cli.js; under vitest it is src/commands/sweep.ts.
  return path.basename(here) === 'cli.js' ? here : path.resolve(path.dirname(here), '../../dist/cli.js');
}

function requireCli(): string {
  const cli = cliEntry();
  if (!existsSync(cli)) throw new Error(`the trials run the built CLI ${cli}, which is missing; run 'pnpm build' first`);
  return cli;
}

/** `--sbatch-line --mem=4G` → `--sbatch-line=--mem=4G`: its values are options themselves, which parseArgs would refuse as ambiguous. */
export function joinSbatchLines(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sbatch-line' && argv[i + 1] !== undefined) out.push(`--sbatch-line=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

const sweepError = (err: unknown): never => {
  if (err instanceof SweepSpecError || err instanceof SweepFolderError) throw new UsageError(err.message, CMD);
  throw err;
};

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parse(joinSbatchLines(argv), SWEEP_OPTIONS, CMD);
  if (v.help === true) {
    io.stdout.write(SWEEP_HELP);
    return 0;
  }
  const [first, ...rest] = positionals;
  if (first === 'status' || first === 'collect') {
    if (rest.length !== 1) throw new UsageError(`${first} takes one sweep folder, got ${rest.length}`, CMD);
    return first === 'status' ? statusCommand(rest[0]!, io) : collectCommand(rest[0]!, io);
  }
  if (first === 'trial') {
    if (rest.length !== 2) throw new UsageError(`trial takes a sweep folder and a trial index, got ${rest.length} argument(s)`, CMD);
    return trialCommand(rest[0]!, nonNegativeIntFlag('trial index', rest[1]!, CMD), v.threads as string | undefined, io);
  }
  const resume = v.resume as string | undefined;
  if (resume !== undefined) {
    if (positionals.length > 0) throw new UsageError(`--resume continues the sweep in its folder; give no spec file (got ${positionals.join(' ')})`, CMD);
    if (v.slurm === true) throw new UsageError('--resume runs the unfinished trials here; for Slurm, submit them again with sbatch on the folder\'s sweep.sbatch', CMD);
    const plan = await readSweepPlan(resume).catch(sweepError);
    return runLocal(resume, plan, v, io);
  }
  if (positionals.length !== 1) throw new UsageError(`expected one sweep file (YAML or JSON), got ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''}`, CMD);
  const specFile = positionals[0]!;
  const text = await readFile(specFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read sweep file ${specFile} (${err.code ?? err.message})`, CMD);
  });
  const spec = (() => {
    try {
      return parseSweepSpec(text, specFile);
    } catch (err) {
      return sweepError(err);
    }
  })();
  const trials = (() => {
    try {
      return planTrials(spec);
    } catch (err) {
      return sweepError(err);
    }
  })();
  const dataFlag = v.data as string | undefined;
  const data = dataFlag !== undefined ? path.resolve(dataFlag) : spec.data !== undefined ? path.resolve(path.dirname(specFile), spec.data) : undefined;
  if (data !== undefined && !(await stat(data).catch(() => null))) throw new UsageError(`${dataFlag !== undefined ? '--data' : `data in ${specFile}`}: ${data} does not exist`, CMD);
  const cacheDir = v['cache-dir'] !== undefined ? path.resolve(v['cache-dir'] as string) : undefined;
  if (v['dry-run'] === true) {
    io.stdout.write(`${formatTable(['trial', ...searchedKeys(spec)], trials.map((t) => [t.id, ...searchedKeys(spec).map((k) => formatValue(t.params[k]))]))}\n`);
    return 0;
  }
  const out = (v.out as string | undefined) ?? (await createUniqueDir(path.join('sweeps', spec.name)));
  const plan = await createSweepFolder(out, { spec, trials, ...(data ? { data } : {}), ...(cacheDir ? { cacheDir } : {}) }).catch(sweepError);
  io.stdout.write(`sweep ${spec.name}: ${trials.length} trials of ${spec.base} in ${out}\n`);
  return v.slurm === true ? submitToSlurm(out, plan, v, io) : runLocal(out, plan, v, io);
}

/** Workers × threads per trial, not above the cores this process may use. */
function poolShape(v: Record<string, unknown>, trials: number): { workers: number; threads: number } {
  const cores = availableParallelism();
  const threads = v['threads-per-trial'] !== undefined ? positiveIntFlag('--threads-per-trial', v['threads-per-trial'] as string, CMD, MAX_THREADS) : 1;
  const workers = v.workers !== undefined ? positiveIntFlag('--workers', v.workers as string, CMD) : Math.max(1, Math.floor(cores / threads));
  return { workers: Math.min(workers, Math.max(1, trials)), threads };
}

async function runLocal(dir: string, plan: SweepPlan, v: Record<string, unknown>, io: Io): Promise<number> {
  const cli = requireCli();
  const todo: PoolTask[] = [];
  let skipped = 0;
  for (const trial of plan.trials) {
    const outcome = await readOutcome(dir, trial.id);
    if (outcome && outcome.status !== 'stopped') {
      skipped++;
      continue;
    }
    todo.push({ id: trial.id, command: process.execPath, args: [cli, 'sweep', 'trial', path.resolve(dir), String(trial.index)], log: logFile(dir, trial.id) });
  }
  const { workers, threads } = poolShape(v, todo.length);
  for (const t of todo) t.args.push('--threads', String(threads));
  const where = `local, ${workers} worker${workers === 1 ? '' : 's'} × ${threads} thread${threads === 1 ? '' : 's'}`;
  io.stdout.write(`${todo.length} trial(s) to run${skipped ? ` (${skipped} already finished)` : ''} — ${where}; logs in ${path.join(dir, 'logs')}\n`);
  const controller = new AbortController();
  let stopSignal: StopSignal | null = null;
  const off = io.onInterrupt((signal) => {
    if (stopSignal) io.exit(signalExitCode(signal));
    stopSignal = signal;
    io.stderr.write(`${signalName(signal)}: stopping the running trials (each keeps a checkpoint); ${signal === 'SIGINT' ? 'Ctrl-C' : 'a signal'} again to quit at once…\n`);
    controller.abort();
  });
  const started = performance.now();
  let done = skipped;
  try {
    await runPool(todo, {
      workers,
      signal: controller.signal,
      onExit: async (task, code) => {
        const trial = plan.trials.find((t) => t.id === task.id)!;
        let outcome = await readOutcome(dir, task.id);
        if (!outcome) {
          // The process ended without recording itself: stopped while loading the data (a stop
          // signal's code while we stop), else killed or out of memory: failed.
          const stopped = controller.signal.aborted && (code === 129 || code === 130 || code === 143);
          outcome = stopped
            ? { status: 'stopped', exitCode: code, host: hostname(), finished: new Date().toISOString(), wallMs: 0 }
            : { status: 'failed', exitCode: code, message: `the trial's process ended with code ${code} before recording an outcome (see ${logFile(dir, task.id)})`, host: hostname(), finished: new Date().toISOString(), wallMs: 0 };
          await writeOutcome(dir, task.id, outcome);
        }
        if (outcome.status !== 'stopped') done++;
        const r = (await readTrial(dir, trial)).result;
        io.stdout.write(`[${done}/${plan.trials.length}] ${trial.id} ${outcome.status}${r.bestAccuracy != null ? ` best ${formatMetric(r.bestAccuracy)} final ${formatMetric(r.finalAccuracy)}` : ''} — ${describeParams(trial.params)}${outcome.message && outcome.status !== 'completed' ? ` (${outcome.message})` : ''}\n`);
      },
    });
  } finally {
    off();
  }
  const collected = await collectTrials(dir, plan);
  const { ranked, plots } = await writeSweepResults(dir, plan, collected, `${where}; wall time ${((performance.now() - started) / 60000).toFixed(1)} min this session`);
  io.stdout.write(`${rankedTable(plan, ranked, 10)}\nresults: ${path.join(dir, 'results.csv')}, ${path.join(dir, 'summary.md')}; plots: ${plots.map((p) => path.join(dir, p)).join(', ')}\n`);
  if (stopSignal) {
    io.stdout.write(`stopped; continue with: backprop sweep --resume ${dir}\n`);
    return signalExitCode(stopSignal);
  }
  const best = ranked[0];
  if (best?.status === 'completed') io.stdout.write(`best: ${best.id}; rerun it with: backprop train --from ${trialDir(dir, best.id)}\n`);
  return 0;
}

const describeParams = (params: TrialResult['params']): string =>
  Object.entries(params)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(', ');

function rankedTable(plan: SweepPlan, ranked: TrialResult[], limit = Infinity): string {
  const keys = searchedKeys(plan.spec);
  const rows = ranked.slice(0, limit).map((r, i) => [String(i + 1), r.id, r.status, ...keys.map((k) => formatValue(r.params[k])), r.step == null ? '—' : String(r.step), formatMetric(r.finalAccuracy), formatMetric(r.bestAccuracy)]);
  const right = new Set([0, keys.length + 3, keys.length + 4, keys.length + 5]);
  const more = ranked.length > limit ? `\n… ${ranked.length - limit} more in results.csv` : '';
  return formatTable(['rank', 'trial', 'status', ...keys, 'step', 'final', 'best'], rows, right) + more;
}

async function submitToSlurm(dir: string, plan: SweepPlan, v: Record<string, unknown>, io: Io): Promise<number> {
  const cli = requireCli();
  const cpus = v['cpus-per-task'] !== undefined ? positiveIntFlag('--cpus-per-task', v['cpus-per-task'] as string, CMD, MAX_THREADS) : 1;
  const script = slurmScript({
    sweepDir: dir,
    jobName: `backprop-${plan.spec.name}`,
    tasks: plan.trials.map((t) => t.index),
    partition: v.partition as string | undefined,
    time: v.time as string | undefined,
    cpusPerTask: cpus,
    extraLines: v['sbatch-line'] as string[] | undefined,
    trialCommand: [process.execPath, cli, 'sweep', 'trial'],
  });
  const file = path.resolve(dir, 'sweep.sbatch');
  await mkdir(path.join(dir, 'slurm'), { recursive: true });
  await writeFile(file, script, { mode: 0o755 });
  const jobId = await submitSlurm(file);
  await writeSweepPlan(dir, { ...plan, slurm: { jobId, script: 'sweep.sbatch', submitted: new Date().toISOString() } });
  io.stdout.write(`submitted Slurm job array ${jobId} (${plan.trials.length} tasks, ${cpus} CPU(s) each; script ${file})\nfollow it with: backprop sweep status ${dir}; when done: backprop sweep collect ${dir}\n`);
  return 0;
}

async function statusCommand(dir: string, io: Io): Promise<number> {
  const plan = await readSweepPlan(dir).catch(sweepError);
  const collected = await collectTrials(dir, plan);
  const counts = new Map<string, number>();
  for (const c of collected) counts.set(c.result.status, (counts.get(c.result.status) ?? 0) + 1);
  const rows = collected.map((c) => [
    c.trial.id,
    c.result.status,
    describeParams(c.trial.params),
    `${c.result.step ?? 0}/${c.trial.config.maxSteps}`,
    formatMetric(c.result.bestAccuracy),
    c.outcome?.host ?? '',
  ]);
  io.stdout.write(
    `sweep ${plan.spec.name} in ${dir}${plan.slurm ? ` (Slurm job ${plan.slurm.jobId})` : ''}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}\n` +
      `${formatTable(['trial', 'status', 'options', 'evaluated step', 'best', 'host'], rows, new Set([3, 4]))}\n`,
  );
  return 0;
}

async function collectCommand(dir: string, io: Io): Promise<number> {
  const plan = await readSweepPlan(dir).catch(sweepError);
  const collected = await collectTrials(dir, plan);
  const { ranked, plots } = await writeSweepResults(dir, plan, collected, plan.slurm ? `Slurm job array ${plan.slurm.jobId}` : 'local');
  io.stdout.write(`${rankedTable(plan, ranked)}\nresults: ${path.join(dir, 'results.csv')}, ${path.join(dir, 'summary.md')}; plots: ${plots.map((p) => path.join(dir, p)).join(', ')}\n`);
  const unfinished = ranked.filter((r) => r.status === 'running' || r.status === 'pending' || r.status === 'stopped').length;
  if (unfinished > 0) io.stdout.write(`${unfinished} trial(s) not finished; the table shows what they have so far\n`);
  return 0;
}

/** The `backprop train` arguments of a trial: its preset and the sweep's options as flags. */
export function trialTrainArgs(plan: SweepPlan, index: number): string[] {
  const trial = plan.trials[index]!;
  const overrides = { ...plan.spec.set, ...trial.params };
  const args: string[] = [plan.spec.base];
  const flag: Record<string, string> = {
    hiddenUnits: '--dnn-hidden-units',
    activation: '--activation',
    norm: '--norm',
    optimizer: '--optimizer',
    learningRate: '--learning-rate',
    maxSteps: '--max-steps',
    batchSize: '--batch-size',
    evalFreq: '--eval-freq',
    evalBatchSize: '--eval-batch-size',
    seed: '--seed',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (key === 'evalAtStart') {
      if (value === false) args.push('--no-initial-eval');
      continue;
    }
    args.push(flag[key]!, Array.isArray(value) ? value.join(',') : String(value));
  }
  return args;
}

/** One trial, as a worker or a Slurm array task runs it: `backprop train` into trials/<id>, then its outcome. */
async function trialCommand(dir: string, index: number, threadsFlag: string | undefined, io: Io): Promise<number> {
  const plan = await readSweepPlan(dir).catch(sweepError);
  const trial = plan.trials[index];
  if (!trial) throw new UsageError(`trial index must be from 0 to ${plan.trials.length - 1}, got ${index}`, CMD);
  const previous = await readOutcome(dir, trial.id);
  if (previous && previous.status !== 'stopped') {
    io.stdout.write(`${trial.id} already ${previous.status}; nothing to do\n`);
    return 0;
  }
  await clearOutcome(dir, trial.id);
  const runDir = trialDir(dir, trial.id);
  const hasCheckpoint = await stat(path.join(runDir, RUN_FILES.checkpoint)).catch(() => null);
  const runExists = await stat(runDir).catch(() => null);
  const threads = resolveThreads(threadsFlag, CMD);
  const argv = [
    'train',
    ...(hasCheckpoint ? ['--resume', runDir] : [...trialTrainArgs(plan, index), '--out', runDir, ...(runExists ? ['--force'] : [])]),
    ...(plan.data ? ['--data', plan.data] : plan.cacheDir ? ['--cache-dir', plan.cacheDir] : []),
    '--threads',
    String(threads),
  ];
  io.stderr.write(`${trial.id}: backprop ${argv.join(' ')}\n`);
  const lines: string[] = [];
  const tee = (o: Io['stdout']): Io['stdout'] => ({
    write: (t: string) => {
      lines.push(...t.split('\n').filter((l) => l.trim() !== ''));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
      o.write(t);
    },
    isTTY: false,
  });
  const t0 = performance.now();
  const code = await main(argv, { ...io, stdout: tee(io.stdout), stderr: tee(io.stderr) });
  const status: TrialOutcome['status'] = code === 0 ? 'completed' : code === EXIT_DIVERGED ? 'diverged' : code === 129 || code === 130 || code === 143 ? 'stopped' : 'failed';
  const message =
    status === 'diverged' ? lines.find((l) => l.startsWith('diverged at step')) : status === 'failed' ? [...lines].reverse().find((l) => l.startsWith('backprop')) ?? `exit code ${code}` : undefined;
  await writeOutcome(dir, trial.id, { status, exitCode: code, ...(message ? { message } : {}), host: hostname(), finished: new Date().toISOString(), wallMs: Math.round(performance.now() - t0) });
  return code;
}
