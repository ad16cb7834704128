// One training run inside the worker: @backprop/train's `train()` loop on a preset + the UI's
// settings, its events turned into throttled messages for the page, pause / stop through the
// shared RunControl, learning-rate changes between steps, and the live views' data (sample
// predictions, confusion matrix, first-layer weights) at every evaluation.
import { DataSet, type LabelledData } from '@backprop/data';
import { encodeSafetensors } from '@backprop/layers';
import {
  buildModel,
  emptyMetrics,
  makeRunData,
  metricsToCsv,
  presetConfig,
  train,
  type MetricsHistory,
  type RunData,
  type TrainConfig,
  type TrainEvent,
  type TrainableModel,
} from '@backprop/train';
import { RunControl, STOP } from '../control.js';
import type { EvalSnapshot, FromWorker, RunSettings, SampleImages } from '../protocol.js';
import { firstLayerWeights, predictScores, setLearningRate, topClass } from './model-access.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Messages about steps go out at most this often (the page redraws on each). */
const STEP_MESSAGE_MS = 100;

export class RunSession {
  readonly config: TrainConfig;
  readonly model: TrainableModel;
  readonly runData: RunData;
  readonly metrics: MetricsHistory = emptyMetrics();
  learningRate: number;
  private readonly abort = new AbortController();
  private readonly samples: DataSet;
  private pendingPoints: { step: number; loss: number }[] = [];
  private lastStepMessage = 0;
  private lastStepAt: number | null = null;
  /** Pure training time and steps, for an average steps/s that leaves evaluations and pauses out. */
  private trainMs = 0;
  private trainSteps = 0;
  private step = 0;
  private epoch = 0;
  private elapsedMs = 0;

  constructor(
    settings: RunSettings,
    data: LabelledData,
    sampleImages: SampleImages,
    private readonly control: RunControl | null,
    private readonly post: Post,
  ) {
    const { preset, ...overrides } = settings;
    this.config = presetConfig(preset, overrides);
    this.learningRate = this.config.learningRate;
    this.runData = makeRunData(data, this.config);
    this.model = buildModel(this.config, { recordShape: this.runData.recordShape, nClasses: this.runData.classNames.length });
    const test = this.runData.test;
    this.samples = new DataSet(
      { images: sampleImages.images, labels: sampleImages.labels, length: sampleImages.count, shape: sampleImages.shape },
      { normalization: test.normalization, layout: test.layout, oneHot: test.oneHot, numClasses: test.numClasses, shuffle: false },
    );
  }

  /** Trains to the end or until stopped; resolves when the loop has returned. */
  async run(): Promise<void> {
    try {
      const result = await train({ config: this.config, model: this.model, data: this.runData, signal: this.abort.signal, onEvent: (e) => this.onEvent(e) });
      this.flushSteps(true);
      const d = result.metrics.diverged;
      const detail = d == null ? undefined : d.cause === 'loss' ? `the training loss became ${String(d.loss)}` : 'the parameters became NaN or infinite';
      this.post({ type: 'done', reason: result.reason, step: result.step, testAccuracy: result.finalEval?.testAccuracy ?? null, elapsedMs: result.elapsedMs, detail });
    } finally {
      this.post({ type: 'state', state: 'ready' });
    }
  }

  /** Requests a stop after the current step (the message path; the shared word works too). */
  stop(): void {
    this.abort.abort();
  }

  changeLearningRate(lr: number): void {
    setLearningRate(this.model, lr);
    this.learningRate = lr;
  }

  /** Average training steps per second so far (evaluations and pauses excluded). */
  get averageStepsPerSecond(): number {
    return this.trainMs > 0 ? (1000 * this.trainSteps) / this.trainMs : 0;
  }

  modelFile(): { name: string; bytes: Uint8Array } {
    const bytes = encodeSafetensors(this.model.stateDict(), {
      format: 'pt',
      preset: this.config.preset,
      step: String(this.step),
      config: JSON.stringify({ ...this.config, learningRate: this.learningRate }),
    });
    return { name: `${this.config.preset}-step${this.step}.safetensors`, bytes };
  }

  metricsFile(): { name: string; bytes: Uint8Array } {
    return { name: `${this.config.preset}-metrics.csv`, bytes: new TextEncoder().encode(metricsToCsv(this.metrics)) };
  }

  dispose(): void {
    this.model.dispose();
  }

  private onEvent(e: TrainEvent): void {
    const now = performance.now();
    switch (e.type) {
      case 'start':
        this.post({ type: 'run-start', description: e.description, numParameters: e.numParameters, maxSteps: e.maxSteps, learningRate: this.learningRate, trainer: '@backprop/train' });
        this.post({ type: 'state', state: 'running' });
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
      case 'eval': {
        this.lastStepAt = null; // the next interval includes the evaluation
        const { type: _t, maxSteps: _m, evalMs: _e, elapsedMs: _el, confusion, ...point } = e;
        this.metrics.eval.push(point);
        this.flushSteps(true);
        const snapshot = this.snapshot(e.step, e.testLoss, e.testAccuracy, e.trainLoss, confusion);
        const transfer: Transferable[] = [snapshot.samplePredictions.buffer, snapshot.sampleConfidence.buffer, snapshot.confusion.buffer];
        if (snapshot.weights) transfer.push(snapshot.weights.data.buffer);
        this.post({ type: 'eval', ...snapshot }, transfer);
        break;
      }
      default:
        break;
    }
  }

  /** Between steps: honour a pause (blocking) or a stop from the page's shared control word. */
  private gate(): void {
    if (!this.control) return;
    const state = this.control.gate(
      () => {
        this.flushSteps(true);
        this.post({ type: 'state', state: 'paused' });
      },
      () => this.post({ type: 'state', state: 'running' }),
    );
    if (state === STOP) this.abort.abort();
  }

  private flushSteps(force: boolean, epoch = this.epoch, elapsedMs = this.elapsedMs): void {
    this.epoch = epoch;
    this.elapsedMs = elapsedMs;
    const now = performance.now();
    if (this.pendingPoints.length === 0 || (!force && now - this.lastStepMessage < STEP_MESSAGE_MS)) return;
    this.lastStepMessage = now;
    this.post({
      type: 'steps',
      points: this.pendingPoints,
      step: this.step,
      maxSteps: this.config.maxSteps,
      epoch,
      stepsPerSecond: this.averageStepsPerSecond,
      elapsedMs,
      learningRate: this.learningRate,
    });
    this.pendingPoints = [];
  }

  /** What the page shows after an evaluation; the confusion matrix comes from the evaluation itself (whole test set). */
  private snapshot(step: number, testLoss: number, testAccuracy: number, trainLoss: number | null, confusion: Int32Array): EvalSnapshot {
    const k = this.runData.classNames.length;
    const sampleScores = predictScores(this.model, this.samples.slice(0, this.samples.length));
    const { classes, confidence } = topClass(sampleScores, k);
    return {
      step,
      testLoss,
      testAccuracy,
      trainLoss,
      samplePredictions: classes,
      sampleConfidence: confidence,
      confusion,
      confusionExamples: confusion.reduce((a, b) => a + b, 0),
      weights: firstLayerWeights(this.model),
    };
  }
}
