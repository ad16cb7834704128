// The training loop. Reads top to bottom, nanoGPT style:
//   (resume?) → evaluate at step 0 → repeat: batch → forward → loss → backward → update
//   → every `evalFreq` steps and at the end: evaluate the whole test set, checkpoint.
// A step whose loss or updated parameters hold NaN/±Infinity ends the run there ('diverged'): no
// evaluation or checkpoint of the broken model, so the caller's last checkpoint stays the result.
// No node: imports: it runs as is in the CLI and in a web worker. Files are the caller's business
// (`onCheckpoint`); progress goes out as events (`onEvent`); a stop request comes in as an AbortSignal.
// An observer (`observe`) gets per-layer gradient and activation statistics of step 1 and every
// `every`-th step (step-stats.ts), measured on the step itself; without one no step pays for them.
import { cloneMetrics, emptyMetrics, meanTrainLoss, type Divergence, type EvalPoint, type MetricsHistory } from './metrics.js';
import type { Checkpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { RunData } from './data.js';
import { evaluate } from './evaluate.js';
import type { TrainEvent } from './events.js';
import { checkObserver, observesStep, type LayerStats, type StepObserver } from './step-stats.js';
import type { TrainableModel } from './trainable-model.js';
import { yieldToEventLoop } from './yield.js';

export interface TrainOptions {
  config: TrainConfig;
  model: TrainableModel;
  data: Pick<RunData, 'train' | 'test'>;
  /** Continue from this checkpoint (same config, except maxSteps / evalFreq / evalBatchSize). */
  resume?: Checkpoint;
  /** Stops the loop after the current step; the run ends with a checkpoint of where it got to. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** Called (and awaited) with every checkpoint: after each evaluation and when stopped. */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Per-layer statistics of step 1 and every `observe.every`-th step (gradients, activations). */
  observe?: StepObserver;
}

export interface TrainResult {
  /** 'diverged': a step's loss or parameters became NaN/±Infinity; see `metrics.diverged`. */
  reason: 'completed' | 'stopped' | 'diverged';
  /** Steps done. */
  step: number;
  metrics: MetricsHistory;
  finalEval: EvalPoint | null;
  elapsedMs: number;
  /** The step of the last checkpoint handed to `onCheckpoint` (-1: none this session). */
  lastCheckpointStep: number;
}

/** Fields that may change between a checkpoint and its resumption (they do not alter the math so far). */
const RESUMABLE_CHANGES: ReadonlySet<keyof TrainConfig> = new Set(['maxSteps', 'evalFreq', 'evalBatchSize', 'evalAtStart', 'preset']);

export async function train({ config, model, data, resume, signal, onEvent, onCheckpoint, observe }: TrainOptions): Promise<TrainResult> {
  checkObserver(observe);
  const emit = (e: TrainEvent) => onEvent?.(e);
  const now = () => performance.now();
  const { maxSteps, batchSize, evalFreq, evalBatchSize } = config;

  // --- where we start: step 0, or the checkpoint's step with its weights, optimizer and curves
  let step = 0;
  let metrics = emptyMetrics();
  let elapsedBefore = 0;
  if (resume) {
    checkResumable(resume.config, config, resume.step);
    model.loadStateDict(resume.model);
    await model.loadOptimizerState(resume.optimizer);
    step = resume.step;
    metrics = cloneMetrics(resume.metrics);
    elapsedBefore = resume.elapsedMs;
    // Replay the batch stream so that step s+1 sees the batch it would have seen uninterrupted.
    for (let i = 0; i < step; i++) data.train.nextBatch(batchSize);
  }
  const started = now();
  const elapsed = () => elapsedBefore + (now() - started);
  emit({ type: 'start', config, startStep: step, maxSteps, description: model.description, numParameters: model.numParameters() });

  let lastCheckpointStep = -1;
  const checkpoint = async () => {
    if (!onCheckpoint) return;
    const c: Checkpoint = { step, config, metrics: cloneMetrics(metrics), elapsedMs: elapsed(), model: model.stateDict(), optimizer: await model.optimizerState() };
    await onCheckpoint(c);
    lastCheckpointStep = step;
    emit({ type: 'checkpoint', step });
  };

  // --- evaluation: the whole test set, then a checkpoint
  const evalAndCheckpoint = async () => {
    const t = now();
    const { loss, accuracy, confusion } = evaluate(model, data.test, evalBatchSize);
    const previous = metrics.eval.at(-1)?.step ?? 0;
    const point: EvalPoint = { step, testLoss: loss, testAccuracy: accuracy, trainLoss: meanTrainLoss(metrics, previous, step) };
    metrics.eval.push(point);
    emit({ type: 'eval', ...point, maxSteps, evalMs: now() - t, elapsedMs: elapsed(), confusion });
    await checkpoint();
  };
  if (config.evalAtStart && step === 0 && metrics.eval.length === 0) await evalAndCheckpoint(); // the untrained model

  // --- the loop
  let secondsPerStep = 0;
  while (step < maxSteps && !signal?.aborted) {
    const t = now();
    const batch = data.train.nextBatch(batchSize); // batch
    let loss: number;
    let stats: LayerStats | undefined;
    if (observesStep(observe, step + 1)) ({ loss, stats } = model.trainStepWithStats(batch)); // the same step, measured
    else loss = model.trainStep(batch); // forward → loss → backward → update
    step++;
    metrics.train.push({ step, loss });
    if (stats) observe?.onStats({ step, ...stats });
    if (!Number.isFinite(loss) || !model.parametersFinite()) {
      metrics.diverged = { step, cause: Number.isFinite(loss) ? 'parameters' : 'loss', loss };
      break;
    }
    const dt = (now() - t) / 1000;
    secondsPerStep = secondsPerStep === 0 ? dt : 0.9 * secondsPerStep + 0.1 * dt;
    emit({
      type: 'step',
      step,
      maxSteps,
      loss,
      epoch: data.train.epochsCompleted,
      stepsPerSecond: secondsPerStep > 0 ? 1 / secondsPerStep : 0,
      elapsedMs: elapsed(),
      lastTestAccuracy: metrics.eval.at(-1)?.testAccuracy ?? null,
    });
    if (step % evalFreq === 0 || step === maxSteps) await evalAndCheckpoint();
    await yieldToEventLoop(); // lets a Ctrl-C handler (or a worker's stop message) run
  }

  // --- diverged: report it; the model is broken, so no evaluation and no checkpoint of it
  const divergence: Divergence | undefined = metrics.diverged;
  if (divergence) emit({ type: 'diverged', ...divergence, lastCheckpointStep: resumeOrLast(lastCheckpointStep, resume), elapsedMs: elapsed() });

  // --- stopped early: keep where we got to, so that --resume continues from here
  const reason = divergence ? 'diverged' : step >= maxSteps ? 'completed' : 'stopped';
  if (reason === 'stopped' && lastCheckpointStep !== step) await checkpoint();
  const result: TrainResult = { reason, step, metrics, finalEval: metrics.eval.at(-1) ?? null, elapsedMs: elapsed(), lastCheckpointStep: resumeOrLast(lastCheckpointStep, resume) };
  emit({ type: 'done', ...result, metrics: cloneMetrics(metrics) });
  return result;
}

/** The newest checkpoint the caller holds: this session's last one, else the one resumed from. */
const resumeOrLast = (last: number, resume: Checkpoint | undefined): number => (last >= 0 ? last : (resume?.step ?? -1));

function checkResumable(saved: TrainConfig, config: TrainConfig, step: number): void {
  if (config.maxSteps < step) {
    throw new Error(`train: cannot resume, maxSteps ${config.maxSteps} is below the checkpoint's step ${step} (a run cannot be shortened after the fact)`);
  }
  const differ = (Object.keys(saved) as (keyof TrainConfig)[]).filter(
    (k) => !RESUMABLE_CHANGES.has(k) && JSON.stringify(saved[k]) !== JSON.stringify(config[k]),
  );
  if (differ.length > 0) {
    const list = differ.map((k) => `${k} (checkpoint ${JSON.stringify(saved[k])}, now ${JSON.stringify(config[k])})`).join(', ');
    throw new Error(`train: cannot resume, the config differs from the checkpoint's in ${list}`);
  }
}
