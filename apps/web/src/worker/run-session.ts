// One training run inside the worker: @backprop/train's `train()` loop on a preset + the UI's
// settings (or a checkpoint to continue), its events turned into throttled messages for the page,
// pause / stop through the shared RunControl (between steps, and between the chunks of an
// evaluation: see eval-watch.ts), learning-rate changes between steps, a checkpoint after every
// evaluation for the page's run store, and the live views' data (sample predictions with top-3
// probabilities, confusion matrix, first-layer weights, per-tensor statistics) at every evaluation,
// and per-layer gradient and activation statistics of the steps themselves (the trainer's observation
// hook, about STATS_POINTS times a run).
// Divergence is the trainer's verdict (its 'diverged' event and reason), passed on as such.
import { DataSet, type LabelledData } from '@backprop/data';
import { encodeSafetensors } from '@backprop/layers';
import { Rng } from '@backprop/tensor';
import {
  buildModel,
  cloneMetrics,
  emptyMetrics,
  encodeCheckpoint,
  makeRunData,
  metricsToCsv,
  train,
  type Checkpoint,
  type MetricsHistory,
  type RunData,
  type StepStats,
  type TrainConfig,
  type TrainEvent,
  type TrainableModel,
} from '@backprop/train';
import { PAUSE, RunControl, STOP } from '../control.js';
import type { DoneReason, EvalSnapshot, FromWorker, GalleryItem, LayerStat, RunSettings, SampleImages } from '../protocol.js';
import { EvalWatch, EvaluationStopped } from './eval-watch.js';
import { firstLayerWeights, softmaxTopK } from './model-access.js';
import { modelFromFile, readModelFile } from './model-file.js';
import { sessionConfig } from './session-config.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Messages about steps and evaluation progress go out at most this often (the page redraws on each). */
const STEP_MESSAGE_MS = 100;

/** About this many observed steps per run (step 1, then every maxSteps / STATS_POINTS-th). */
const STATS_POINTS = 100;

export interface SessionOptions {
  runId: string;
  settings: RunSettings;
  data: LabelledData;
  samples: SampleImages;
  control: RunControl | null;
  post: Post;
  /** Continue this checkpoint (its config wins, but for maxSteps / evalFreq / evalAtStart). */
  resume?: Checkpoint;
  /** The learning rate to continue at (a live change before the checkpoint). */
  resumeLearningRate?: number;
  /** SHA-256 of the data, recorded in each checkpoint (the CLI's --resume checks it). */
  dataSha256?: string;
  /** Start from these weights (a model file, see model-file.ts) instead of the preset's initialisation; a fresh optimizer. */
  initialModel?: { bytes: Uint8Array; fileName: string };
}

export class RunSession {
  readonly runId: string;
  readonly config: TrainConfig;
  readonly model: TrainableModel;
  readonly runData: RunData;
  metrics: MetricsHistory = emptyMetrics();
  learningRate: number;
  private readonly abort = new AbortController();
  private readonly samples: DataSet;
  private readonly watch: EvalWatch;
  private readonly data: LabelledData;
  private readonly control: RunControl | null;
  private readonly post: Post;
  private readonly resume: Checkpoint | undefined;
  private readonly dataSha256: string | undefined;
  private pendingPoints: { step: number; loss: number }[] = [];
  private lastStepMessage = 0;
  private lastProgressMessage = 0;
  private lastStepAt: number | null = null;
  /** Pure training time and steps this session, for s/step that leaves evaluations and pauses out. */
  private trainMs = 0;
  private trainSteps = 0;
  private lastEvalMs: number | null = null;
  step = 0;
  private epoch = 0;
  private elapsedMs = 0;
  private bestAccuracy = -1;
  private lastCheckpoint: Checkpoint | null = null;
  private previousWeights = new Map<string, Float32Array>();
  /** Test-split record of each position of the test set's order (see `testOrder`). */
  private readonly testRecords: Int32Array;
  private lastEvalStep = -1;
  private diverged: { step: number; detail: string } | null = null;

  constructor(o: SessionOptions) {
    this.runId = o.runId;
    this.data = o.data;
    this.control = o.control;
    this.post = o.post;
    this.resume = o.resume;
    this.dataSha256 = o.dataSha256;
    this.config = sessionConfig(o.settings, o.resume);
    this.learningRate = this.config.learningRate;
    this.runData = makeRunData(o.data, this.config);
    const shape = { recordShape: this.runData.recordShape, nClasses: this.runData.classNames.length };
    this.model = o.initialModel ? modelFromFile(this.config, shape, readModelFile(o.initialModel.bytes, o.initialModel.fileName), o.initialModel.fileName) : buildModel(this.config, shape);
    const test = this.runData.test;
    this.samples = new DataSet(
      { images: o.samples.images, labels: o.samples.labels, length: o.samples.count, shape: o.samples.shape },
      { normalization: test.normalization, layout: test.layout, oneHot: test.oneHot, numClasses: test.numClasses, shuffle: false },
    );
    this.testRecords = testOrder(o.data.test.length, this.config.seed);
    this.watch = new EvalWatch(test.length, {
      progress: (done, total) => this.evalProgress(done, total),
      shouldStop: () => this.gate(),
    });
    if (o.resume) {
      this.step = o.resume.step;
      this.metrics = cloneMetrics(o.resume.metrics);
      this.bestAccuracy = Math.max(-1, ...o.resume.metrics.eval.map((e) => e.testAccuracy));
      this.lastCheckpoint = o.resume;
      this.resumeLearningRate = o.resumeLearningRate;
    }
  }

  private resumeLearningRate: number | undefined;

  /** Trains to the end or until stopped; resolves when the loop has returned. */
  async run(): Promise<void> {
    let reason: DoneReason = 'stopped';
    let testAccuracy: number | null = null;
    try {
      const result = await train({
        config: this.config,
        model: this.watch.wrap(this.model),
        data: this.runData,
        resume: this.resume,
        signal: this.abort.signal,
        onEvent: (e) => this.onEvent(e),
        onCheckpoint: (c) => this.onCheckpoint(c),
        observe: { every: Math.max(1, Math.round(this.config.maxSteps / STATS_POINTS)), onStats: (stats) => this.onStats(stats) },
      });
      this.metrics = result.metrics;
      reason = result.reason;
      testAccuracy = result.finalEval?.testAccuracy ?? null;
      this.elapsedMs = result.elapsedMs;
    } catch (err) {
      if (!(err instanceof EvaluationStopped)) throw err;
      // Stopped inside an evaluation: the run ends at its last step, unevaluated, with a checkpoint
      // of where it got to (what train() does for a stop between steps).
      this.watch.reset();
      reason = 'stopped';
      testAccuracy = this.metrics.eval.at(-1)?.testAccuracy ?? null;
      await this.onCheckpoint({
        step: this.step,
        config: this.config,
        metrics: cloneMetrics(this.metrics),
        elapsedMs: this.elapsedMs,
        model: this.model.stateDict(),
        optimizer: await this.model.optimizerState(),
      });
    } finally {
      this.flushSteps(true);
    }
    this.post({
      type: 'done',
      runId: this.runId,
      reason,
      step: this.diverged?.step ?? this.step,
      testAccuracy,
      elapsedMs: this.elapsedMs,
      ...(this.diverged ? { detail: this.diverged.detail } : {}),
      metrics: cloneMetrics(this.metrics),
    });
  }

  /** Requests a stop after the current step (the message path; the shared word works too). */
  stop(): void {
    this.abort.abort();
  }

  changeLearningRate(lr: number): void {
    this.model.setLearningRate(lr);
    this.learningRate = lr;
    this.post({ type: 'lr-change', step: this.step, learningRate: lr });
  }

  /** Mean ms per training step this session (evaluations and pauses excluded), null before one was timed. */
  get msPerStep(): number | null {
    return this.trainSteps > 0 ? this.trainMs / this.trainSteps : null;
  }

  /**
   * The model alone, PyTorch names (loads with safetensors.torch.load_file). After a divergence the
   * live weights are NaN: the file then holds the newest checkpoint's (finite) weights, and its
   * name and metadata say the run diverged; with no checkpoint, the broken weights, named so.
   */
  modelFile(): { name: string; bytes: Uint8Array } {
    const preset = this.config.preset;
    if (this.diverged) {
      const d = this.diverged;
      const c = this.lastCheckpoint;
      const note = `diverged at step ${d.step}: ${d.detail}`;
      if (c) {
        const bytes = encodeSafetensors(c.model, { format: 'pt', preset, step: String(c.step), config: JSON.stringify(c.config), diverged: `${note}; these are the weights of the last checkpoint (step ${c.step})` });
        return { name: `${preset}-step${c.step}-DIVERGED-at-${d.step}-last-finite.safetensors`, bytes };
      }
      const bytes = encodeSafetensors(this.model.stateDict(), { format: 'pt', preset, step: String(this.step), diverged: `${note}; no checkpoint before it, these weights are not finite` });
      return { name: `${preset}-step${this.step}-DIVERGED-not-finite.safetensors`, bytes };
    }
    const bytes = encodeSafetensors(this.model.stateDict(), {
      format: 'pt',
      preset,
      step: String(this.step),
      config: JSON.stringify({ ...this.config, learningRate: this.learningRate }),
    });
    return { name: `${preset}-step${this.step}.safetensors`, bytes };
  }

  /** The newest checkpoint (what --resume and the page's Resume continue from). */
  checkpointFile(): { name: string; bytes: Uint8Array } {
    if (!this.lastCheckpoint) throw new Error('export: this run has no checkpoint yet (one is written at each evaluation and when stopped)');
    return { name: `${this.config.preset}-step${this.lastCheckpoint.step}.checkpoint.safetensors`, bytes: this.encode(this.lastCheckpoint) };
  }

  metricsFile(): { name: string; bytes: Uint8Array } {
    return { name: `${this.config.preset}-metrics.csv`, bytes: new TextEncoder().encode(metricsToCsv(this.metrics)) };
  }

  /** The test images of confusion cell (true, predicted) at the latest evaluation, with top-3 probabilities now. */
  gallery(trueClass: number, predictedClass: number, limit: number): { items: GalleryItem[]; total: number; evalStep: number } {
    const { predicted, labels } = this.watch;
    if (predicted.length === 0) throw new Error('gallery: no evaluation has finished yet');
    const test = this.data.test;
    const size = test.shape[0] * test.shape[1] * test.shape[2];
    const picked: number[] = [];
    let total = 0;
    for (let pos = 0; pos < predicted.length; pos++) {
      if (labels[pos] !== trueClass || predicted[pos] !== predictedClass) continue;
      total++;
      if (picked.length < limit) picked.push(this.testRecords[pos]!);
    }
    if (picked.length === 0) return { items: [], total, evalStep: this.lastEvalStep };
    const images = new Uint8Array(picked.length * size);
    const chosenLabels = new Uint8Array(picked.length);
    picked.forEach((rec, j) => {
      images.set(test.images.subarray(rec * size, (rec + 1) * size), j * size);
      chosenLabels[j] = test.labels[rec]!;
      // The order assumption (testOrder) checked on every image shown.
      if (chosenLabels[j] !== trueClass) throw new Error(`gallery: test record ${rec} has label ${chosenLabels[j]}, the evaluation saw ${trueClass}; the test order is not the one assumed`);
    });
    const t = this.runData.test;
    const set = new DataSet(
      { images, labels: chosenLabels, length: picked.length, shape: test.shape },
      { normalization: t.normalization, layout: t.layout, oneHot: t.oneHot, numClasses: t.numClasses, shuffle: false },
    );
    const k = this.runData.classNames.length;
    const top = softmaxTopK(this.model.predict(set.slice(0, picked.length)), k, 3);
    const items = picked.map((rec, j) => ({
      index: rec,
      image: images.slice(j * size, (j + 1) * size),
      top3: { classes: Array.from(top.classes.subarray(j * 3, j * 3 + 3)), probs: Array.from(top.probs.subarray(j * 3, j * 3 + 3)) },
    }));
    return { items, total, evalStep: this.lastEvalStep };
  }

  dispose(): void {
    this.model.dispose();
  }

  private encode(c: Checkpoint): Uint8Array {
    return encodeCheckpoint(this.dataSha256 ? { ...c, dataSha256: this.dataSha256 } : c);
  }

  private onCheckpoint(c: Checkpoint): void {
    this.lastCheckpoint = c;
    const lastEval = c.metrics.eval.at(-1);
    const evaluatedNow = lastEval != null && lastEval.step === c.step;
    const best = evaluatedNow && lastEval.testAccuracy > this.bestAccuracy;
    if (best) this.bestAccuracy = lastEval.testAccuracy;
    const checkpoint = this.encode(c);
    const model = encodeSafetensors(c.model, { format: 'pt', preset: c.config.preset, step: String(c.step), config: JSON.stringify(c.config) });
    this.post(
      { type: 'checkpoint', runId: this.runId, step: c.step, checkpoint, model, testAccuracy: evaluatedNow ? lastEval.testAccuracy : null, best },
      [checkpoint.buffer, model.buffer],
    );
    this.lastStepAt = null; // the next interval would include the checkpoint's encoding
  }

  /** One observed step's per-layer statistics, straight to the page (about STATS_POINTS a run). */
  private onStats(stats: StepStats): void {
    this.post({ type: 'layer-activity', runId: this.runId, stats });
  }

  private onEvent(e: TrainEvent): void {
    const now = performance.now();
    switch (e.type) {
      case 'start':
        if (this.resumeLearningRate != null && this.resumeLearningRate !== this.learningRate) {
          this.model.setLearningRate(this.resumeLearningRate);
          this.learningRate = this.resumeLearningRate;
        }
        this.step = e.startStep;
        this.post({
          type: 'run-start',
          runId: this.runId,
          description: e.description,
          numParameters: e.numParameters,
          startStep: e.startStep,
          maxSteps: e.maxSteps,
          learningRate: this.learningRate,
          config: this.config,
          trainer: '@backprop/train',
        });
        this.post({ type: 'state', state: 'running' });
        this.lastStepAt = performance.now();
        break;
      case 'step': {
        this.step = e.step;
        this.metrics.train.push({ step: e.step, loss: e.loss });
        if (this.lastStepAt != null) {
          this.trainMs += now - this.lastStepAt;
          this.trainSteps++;
        }
        this.pendingPoints.push({ step: e.step, loss: e.loss });
        this.flushSteps(false, e.epoch, e.elapsedMs);
        this.gate();
        this.lastStepAt = performance.now();
        break;
      }
      case 'diverged':
        // The trainer's verdict: a step's loss or update went NaN/±Infinity; it stops there, with
        // no evaluation or checkpoint of the broken model (the last checkpoint stays the result).
        this.diverged = {
          step: e.step,
          detail: e.cause === 'loss' ? `the training loss became ${String(e.loss)}` : `the parameters became NaN or infinite (the loss was ${e.loss.toPrecision(4)})`,
        };
        this.step = e.step;
        break;
      case 'eval': {
        this.lastEvalMs = e.evalMs;
        this.lastEvalStep = e.step;
        const { type: _t, maxSteps: _m, evalMs: _e, elapsedMs: _el, confusion, ...point } = e;
        this.metrics.eval.push(point);
        this.flushSteps(true);
        const snapshot = this.snapshot(e.step, e.testLoss, e.testAccuracy, e.trainLoss, confusion);
        const transfer: Transferable[] = [
          snapshot.samplePredictions.buffer,
          snapshot.sampleConfidence.buffer,
          snapshot.confusion.buffer,
          snapshot.sampleTop3.classes.buffer,
          snapshot.sampleTop3.probs.buffer,
        ];
        if (snapshot.weights) transfer.push(snapshot.weights.data.buffer);
        this.post({ type: 'eval', ...snapshot }, transfer);
        this.lastStepAt = performance.now();
        break;
      }
      default:
        break;
    }
  }

  /**
   * Between steps and between evaluation chunks: honour a pause (blocking) or a stop from the
   * page's shared control word. Returns true when the run must stop.
   */
  private gate(): boolean {
    if (this.abort.signal.aborted) return true;
    if (!this.control) return false;
    const state = this.control.gate(
      () => {
        this.flushSteps(true);
        this.post({ type: 'state', state: 'paused' });
      },
      () => this.post({ type: 'state', state: 'running' }),
    );
    if (state === STOP) {
      this.abort.abort();
      return true;
    }
    return state === PAUSE;
  }

  private evalProgress(done: number, total: number): void {
    const now = performance.now();
    if (done !== 0 && done !== total && now - this.lastProgressMessage < STEP_MESSAGE_MS) return;
    this.lastProgressMessage = now;
    this.post({ type: 'eval-progress', step: this.step, done, total });
  }

  /** Evaluations still due after `step`: every evalFreq-th step and the last. */
  private evalsLeft(): number {
    const { maxSteps, evalFreq } = this.config;
    const multiples = Math.floor(maxSteps / evalFreq) - Math.floor(this.step / evalFreq);
    return multiples + (maxSteps % evalFreq !== 0 && this.step < maxSteps ? 1 : 0);
  }

  private flushSteps(force: boolean, epoch = this.epoch, elapsedMs = this.elapsedMs): void {
    this.epoch = epoch;
    this.elapsedMs = elapsedMs;
    const now = performance.now();
    if (this.pendingPoints.length === 0 || (!force && now - this.lastStepMessage < STEP_MESSAGE_MS)) return;
    this.lastStepMessage = now;
    const msPerStep = this.msPerStep;
    const stepsLeft = this.config.maxSteps - this.step;
    const evalsLeft = this.evalsLeft();
    const etaIncludesEval = evalsLeft === 0 || this.lastEvalMs != null;
    const etaMs = msPerStep == null ? null : stepsLeft * msPerStep + (this.lastEvalMs ?? 0) * evalsLeft;
    this.post({
      type: 'steps',
      points: this.pendingPoints,
      step: this.step,
      maxSteps: this.config.maxSteps,
      epoch,
      stepsPerSecond: msPerStep ? 1000 / msPerStep : 0,
      msPerStep,
      etaMs,
      etaIncludesEval,
      elapsedMs,
      learningRate: this.learningRate,
    });
    this.pendingPoints = [];
  }

  /** What the page shows after an evaluation; the confusion matrix comes from the evaluation itself (whole test set). */
  private snapshot(step: number, testLoss: number, testAccuracy: number, trainLoss: number | null, confusion: Int32Array): EvalSnapshot {
    const k = this.runData.classNames.length;
    const sampleScores = this.model.predict(this.samples.slice(0, this.samples.length));
    const top = softmaxTopK(sampleScores, k, 3);
    const n = this.samples.length;
    const classes = new Uint8Array(n);
    const confidence = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      classes[i] = top.classes[i * 3]!;
      confidence[i] = top.probs[i * 3]!;
    }
    return {
      step,
      testLoss,
      testAccuracy,
      trainLoss,
      samplePredictions: classes,
      sampleConfidence: confidence,
      sampleTop3: top,
      confusion,
      confusionExamples: confusion.reduce((a, b) => a + b, 0),
      weights: firstLayerWeights(this.model),
      layerStats: this.layerStats(),
    };
  }

  private layerStats(): LayerStat[] {
    const out: LayerStat[] = [];
    const next = new Map<string, Float32Array>();
    for (const [name, t] of this.model.stateDict()) {
      if (t.dtype !== 'F32') continue;
      const w = t.data as Float32Array;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < w.length; i++) sum += w[i]!;
      const mean = sum / w.length;
      for (let i = 0; i < w.length; i++) sq += (w[i]! - mean) ** 2;
      const prev = this.previousWeights.get(name);
      let relUpdate: number | null = null;
      if (prev && prev.length === w.length) {
        let d = 0;
        let p = 0;
        for (let i = 0; i < w.length; i++) {
          d += (w[i]! - prev[i]!) ** 2;
          p += prev[i]! ** 2;
        }
        relUpdate = p > 0 ? Math.sqrt(d / p) : null;
      }
      next.set(name, w);
      out.push({ name, mean, std: Math.sqrt(sq / w.length), relUpdate });
    }
    this.previousWeights = next;
    return out;
  }
}

/**
 * The test DataSet's record order: @backprop/data's createDataSets shuffles the test split once
 * with Rng(seed + 2) (DataSet's constructor permutes the identity order). Every gallery image is
 * checked against the label the evaluation saw, so a change there shows as an error, not as
 * wrong pictures.
 */
export function testOrder(length: number, seed: number): Int32Array {
  return Int32Array.from(new Rng(seed + 2).permutation(length));
}
