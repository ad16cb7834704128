// backprop train <preset> | --resume <dir>: config from preset + flags (or the checkpoint), data,
// the run with a progress line, Ctrl-C / SIGTERM / SIGHUP as a graceful stop, and a summary at
// the end. Every value (flags, --out, the checkpoint) is checked before the data is loaded or a
// folder created; the batch size against the data right after loading, still before any folder.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '@backprop/tensor';
import { rankResults, divergedStatus, formatDuration, formatMetric, isPresetName, PRESET_NAMES, presetConfig, validateConfig, type Checkpoint, type TrainConfig } from '@backprop/train';
import { checkRunDir, collectTrials, readCheckpoint, readSweepPlan, runTraining, RUN_FILES, RunFolderError, SWEEP_FILE } from '@backprop/train/node';
import { parseTrainArgs, type TrainArgs } from '../args.js';
import { loadCifarWithProgress } from '../data-source.js';
import { UsageError } from '../errors.js';
import { TRAIN_HELP } from '../help.js';
import { signalExitCode, signalName, type Io, type StopSignal } from '../io.js';
import { ProgressReporter } from '../progress.js';
import { resolveThreads } from '../threads.js';

/** Exit code of a run that diverged (loss or parameters NaN/±Infinity); see TRAIN_HELP. */
export const EXIT_DIVERGED = 3;

/** Flags a resumed run may change: they do not alter what has been computed so far. */
const RESUME_FLAGS: Partial<Record<keyof TrainConfig, string>> = { maxSteps: '--max-steps', evalFreq: '--eval-freq', evalBatchSize: '--eval-batch-size', evalAtStart: '--no-initial-eval' };

const FLAG_OF: Record<string, string> = {
  hiddenUnits: '--dnn-hidden-units',
  learningRate: '--learning-rate',
  maxSteps: '--max-steps',
  batchSize: '--batch-size',
  evalFreq: '--eval-freq',
  evalBatchSize: '--eval-batch-size',
  evalAtStart: '--no-initial-eval',
  optimizer: '--optimizer',
  activation: '--activation',
  norm: '--norm',
  seed: '--seed',
};

/** The run's config and, when resuming, the checkpoint and its folder. */
export async function resolveRun(args: TrainArgs): Promise<{ config: TrainConfig; resume?: Checkpoint; resumeDir?: string; out?: string }> {
  const given = Object.keys(args.overrides) as (keyof TrainConfig)[];
  if (args.resume) {
    const { checkpoint, dir } = await readCheckpoint(args.resume);
    const fixed = given.filter((k) => !(k in RESUME_FLAGS));
    if (fixed.length > 0) {
      throw new UsageError(`--resume continues the saved config; only --max-steps, --eval-freq and --eval-batch-size may change, got ${fixed.map((k) => FLAG_OF[k]).join(', ')}`, 'train');
    }
    if (args.preset && args.preset !== checkpoint.config.preset) {
      throw new UsageError(`--resume: the run in ${dir} is preset '${checkpoint.config.preset}', not '${args.preset}'`, 'train');
    }
    const config = validateConfig({ ...checkpoint.config, ...args.overrides });
    if (config.maxSteps < checkpoint.step) {
      throw new UsageError(`--max-steps ${config.maxSteps} is below the checkpoint's step ${checkpoint.step} in ${dir}; a run cannot be shortened (pass --max-steps ${checkpoint.step} or more)`, 'train');
    }
    return { config, resume: checkpoint, resumeDir: dir, out: args.out ?? dir };
  }
  if (args.from) {
    const config = await configFrom(args.from);
    try {
      return { config: validateConfig({ ...config, ...args.overrides }), out: args.out };
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^TrainConfig: /, ''), 'train');
    }
  }
  if (!args.preset) throw new UsageError(`missing preset: backprop train <${PRESET_NAMES.join('|')}>`, 'train');
  if (!isPresetName(args.preset)) throw new UsageError(`unknown preset '${args.preset}', expected one of ${PRESET_NAMES.join(', ')}`, 'train');
  const base = presetConfig(args.preset);
  if (base.model === 'cnn') {
    const unused = given.filter((k) => k === 'hiddenUnits' || k === 'activation' || k === 'norm');
    if (unused.length > 0) throw new UsageError(`${unused.map((k) => FLAG_OF[k]).join(', ')} do(es) not apply to the cnn preset`, 'train');
  }
  try {
    return { config: presetConfig(args.preset, args.overrides), out: args.out };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TrainConfig: /, ''), 'train');
  }
}

/** The config of a run folder's config.json, or of a sweep folder's best completed trial. */
async function configFrom(dir: string): Promise<TrainConfig> {
  if (existsSync(path.join(dir, SWEEP_FILE))) {
    const plan = await readSweepPlan(dir);
    const ranked = rankResults(
      (await collectTrials(dir, plan)).map((c) => c.result),
      plan.spec.metric,
    );
    const best = ranked[0];
    if (!best || best.status !== 'completed') throw new UsageError(`--from ${dir}: no trial of this sweep has completed yet`, 'train');
    return plan.trials[best.index]!.config;
  }
  const file = path.join(dir, RUN_FILES.config);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--from ${dir}: cannot read ${file} (${err.code === 'ENOENT' ? 'not a run folder or a sweep folder' : (err.code ?? err.message)})`, 'train');
  });
  try {
    return validateConfig(JSON.parse(text) as TrainConfig);
  } catch (err) {
    throw new UsageError(`--from ${dir}: ${file}: ${(err as Error).message}`, 'train');
  }
}

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const args = parseTrainArgs(argv);
  if (args.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const { config, resume, resumeDir, out } = await resolveRun(args);
  const resumeHere = resume != null && out != null && resumeDir != null && path.resolve(out) === path.resolve(resumeDir);
  if (out != null) {
    try {
      await checkRunDir(out, { resume: resumeHere, force: args.force });
    } catch (err) {
      if (err instanceof RunFolderError) throw new UsageError(err.message, 'train');
      throw err;
    }
  }
  const threads = resolveThreads(args.threads, 'train');

  const progress = new ProgressReporter(io.stderr);
  const controller = new AbortController();
  let loading = true;
  let stopSignal: StopSignal | null = null;
  const off = io.onInterrupt((signal) => {
    // While loading there is nothing to keep; a second signal means: now.
    if (loading || stopSignal) io.exit(signalExitCode(signal));
    stopSignal = signal;
    controller.abort();
    progress.print(`${signalName(signal)}: stopping after this step, keeping a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'a signal'} again to quit at once)…`);
  });
  try {
    const info = await initBackend({ threads });
    const backend = `${info.backend}${info.simd ? ' (SIMD' : ' (no SIMD'}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
    const { data, source } = await loadCifarWithProgress(args, io, { checkRecordCounts: true });
    loading = false;
    if (config.batchSize > data.train.length) {
      throw new UsageError(`--batch-size ${config.batchSize} is larger than the training set (${data.train.length} examples in ${source})`, 'train');
    }
    const result = await runTraining({
      config,
      data,
      dataSource: source,
      out,
      resume,
      resumeDir,
      force: args.force,
      signal: controller.signal,
      onEvent: (e) => progress.onEvent(e),
      backend,
    });
    const last = result.finalEval;
    const best = result.metrics.eval.reduce((b, p) => (p.testAccuracy > b.testAccuracy ? p : b), result.metrics.eval[0]!);
    const trained = result.step - (resume?.step ?? 0);
    const headline =
      result.reason === 'completed'
        ? `done: ${result.step} steps`
        : result.reason === 'diverged' && result.metrics.diverged
          ? divergedStatus(result.metrics.diverged, result.lastCheckpointStep)
          : `stopped at step ${result.step} of ${config.maxSteps}`;
    const lines = [
      headline,
      `wall time ${formatDuration(result.elapsedMs)}${trained > 0 ? ` (${trained} steps this session)` : ''} on ${backend}`,
      last ? `${result.reason === 'diverged' ? 'last' : 'final'} test accuracy ${formatMetric(last.testAccuracy)} at step ${last.step}${best.step !== last.step ? ` (best ${formatMetric(best.testAccuracy)} at step ${best.step})` : ''}` : 'no evaluation yet',
      `run folder: ${result.dir}`,
      ...(result.reason === 'stopped' ? [`continue with: backprop train --resume ${result.dir}`] : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return result.reason === 'completed' ? 0 : result.reason === 'diverged' ? EXIT_DIVERGED : signalExitCode(stopSignal ?? 'SIGINT');
  } finally {
    off();
  }
}
