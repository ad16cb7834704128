// backprop train <preset> | --resume <dir>: config from preset + flags (or the checkpoint), data,
// the run with a progress line, Ctrl-C as a graceful stop, and a summary at the end.
import { initBackend } from '@backprop/tensor';
import { formatDuration, isPresetName, PRESET_NAMES, presetConfig, validateConfig, type Checkpoint, type TrainConfig } from '@backprop/train';
import { defaultRunDir, readCheckpoint, runTraining } from '@backprop/train/node';
import { parseTrainArgs, type TrainArgs } from '../args.js';
import { loadCifarWithProgress } from '../data-source.js';
import { UsageError } from '../errors.js';
import { TRAIN_HELP } from '../help.js';
import type { Io } from '../io.js';
import { ProgressReporter } from '../progress.js';
import { resolveThreads } from '../threads.js';

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
export async function resolveRun(args: TrainArgs): Promise<{ config: TrainConfig; resume?: Checkpoint; out?: string }> {
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
    return { config: validateConfig({ ...checkpoint.config, ...args.overrides }), resume: checkpoint, out: args.out ?? dir };
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

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const args = parseTrainArgs(argv);
  if (args.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const { config, resume, out } = await resolveRun(args);
  const info = await initBackend({ threads: resolveThreads(args.threads, 'train') });
  const backend = `${info.backend}${info.simd ? ' (SIMD' : ' (no SIMD'}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
  const { data, source } = await loadCifarWithProgress(args, io);

  const progress = new ProgressReporter(io.stderr);
  const controller = new AbortController();
  let interrupts = 0;
  const off = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      controller.abort();
      progress.print('stopping after this step, keeping a checkpoint (Ctrl-C again to quit at once)…');
    } else {
      io.exit(130);
    }
  });
  try {
    const result = await runTraining({
      config,
      data,
      dataSource: source,
      out: out ?? defaultRunDir(config.preset),
      resume,
      signal: controller.signal,
      onEvent: (e) => progress.onEvent(e),
      backend,
    });
    const last = result.finalEval;
    const best = result.metrics.eval.reduce((b, p) => (p.testAccuracy > b.testAccuracy ? p : b), result.metrics.eval[0]!);
    const trained = result.step - (resume?.step ?? 0);
    const lines = [
      result.reason === 'completed' ? `done: ${result.step} steps` : `stopped at step ${result.step} of ${config.maxSteps}`,
      `wall time ${formatDuration(result.elapsedMs)}${trained > 0 ? ` (${trained} steps this session)` : ''} on ${backend}`,
      last ? `final test accuracy ${last.testAccuracy.toFixed(4)} at step ${last.step}${best.step !== last.step ? ` (best ${best.testAccuracy.toFixed(4)} at step ${best.step})` : ''}` : 'no evaluation yet',
      `run folder: ${result.dir}`,
      ...(result.reason === 'stopped' ? [`continue with: backprop train --resume ${result.dir}`] : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return result.reason === 'completed' ? 0 : 130;
  } finally {
    off();
  }
}
