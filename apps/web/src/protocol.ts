// Messages between the page and the training worker. Plain, structured-clone-safe objects; big
// arrays travel as typed arrays (transferred where the sender no longer needs them).
import { SWEEP_KEYS, type MetricsHistory, type StepStats, type SweepKey, type TrainConfig } from '@backprop/train';
import type { StepTiming } from './worker/measure-steps.js';

/** The page picks its own evaluation chunk (worker/session-config.ts); every other tunable option is a knob. */
type PageKey = Exclude<SweepKey, 'evalBatchSize'>;

/**
 * The knobs the UI exposes, by name: the preset and the training options a sweep may set (the CLI's
 * flags, @backprop/train's SWEEP_KEYS), so each field's type and meaning live in TrainConfig alone.
 * A new option there reaches this type, and the type checker then asks for its form input and URL key.
 */
export const RUN_SETTING_FIELDS: readonly ('preset' | PageKey)[] = ['preset', ...SWEEP_KEYS.filter((k): k is PageKey => k !== 'evalBatchSize')];

export type RunSettings = Pick<TrainConfig, (typeof RUN_SETTING_FIELDS)[number]>;

/** The page's settings of a full config (a stored checkpoint's, or a preset's). */
export function runSettingsOf(config: TrainConfig): RunSettings {
  return Object.fromEntries(RUN_SETTING_FIELDS.map((field) => [field, structuredClone(config[field])])) as RunSettings;
}

export type DataSource = { kind: 'file'; file: Blob } | { kind: 'url'; url: string };

export type ToWorker =
  | { type: 'init'; threads: number }
  | { type: 'load-data'; source: DataSource }
  /**
   * `control`: the shared pause/stop word (control.ts); null when the page is not cross-origin isolated.
   * `resume`: a checkpoint's bytes (stored by the page or written by the CLI) to continue from;
   * `learningRate` then is the rate the run had last (a live change survives the resumption).
   */
  | {
      type: 'start';
      runId: string;
      settings: RunSettings;
      control: SharedArrayBuffer | null;
      resume?: { bytes: Uint8Array; learningRate: number };
      /** Train from a loaded model file's weights (step 0, a fresh optimizer) instead of the preset's initialisation. */
      initialModel?: { bytes: Uint8Array; fileName: string };
    }
  /** Reads a checkpoint file (checksum, data identity) and answers 'checkpoint-info'. */
  | { type: 'inspect-checkpoint'; requestId: number; bytes: Uint8Array; fileName: string }
  /**
   * Loads a model file (the page's download, or a CLI run folder's model.safetensors) into the model
   * `settings` describe and evaluates it on the whole test set; answers 'model-evaluated'.
   */
  | { type: 'evaluate-model'; requestId: number; bytes: Uint8Array; fileName: string; settings: RunSettings }
  /** The test images of one confusion-matrix cell (true class, predicted class), with top-3 probabilities. */
  | { type: 'gallery'; requestId: number; trueClass: number; predictedClass: number; limit: number }
  /** Stop after the current step (pause, resume and stop also go through the shared control word). */
  | { type: 'stop' }
  | { type: 'set-lr'; learningRate: number }
  | { type: 'export'; what: 'model' | 'metrics' | 'checkpoint' }
  /** Times `steps` training steps of a preset without evaluations (bench/steps.bench.ts). */
  | { type: 'measure'; preset: string; steps: number; warmup: number };

export interface BackendReport {
  backend: string;
  simd: boolean;
  threads: number;
  /** Backprop's compute engine: 'fma' (relaxed SIMD), 'muladd' (the fallback build), or null (off). */
  engine: { math: 'fma' | 'muladd'; threads: number } | null;
  crossOriginIsolated: boolean;
}

/** A fixed set of test images shown with their predictions (pixels as in the file: C, H, W). */
export interface SampleImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** [C, H, W] */
  shape: [number, number, number];
}

/** First-layer weights, PyTorch layout: MLP [out, C·H·W]; CNN [out, C, kh, kw]. */
export interface FirstLayerWeights {
  name: string;
  kind: 'dense' | 'conv';
  shape: number[];
  data: Float32Array;
}

export interface EvalSnapshot {
  step: number;
  testLoss: number;
  testAccuracy: number;
  trainLoss: number | null;
  /** Predicted class of each sample image. */
  samplePredictions: Uint8Array;
  /** Probability the model gives its predicted class, per sample image. */
  sampleConfidence: Float32Array;
  /** The three most probable classes and their probabilities, per sample image ([count × 3]). */
  sampleTop3: { classes: Uint8Array; probs: Float32Array };
  /** K×K counts, row = true class, column = predicted class, over `confusionExamples` test images. */
  confusion: Int32Array;
  confusionExamples: number;
  weights: FirstLayerWeights | null;
  /** Mean, std and update size of every parameter tensor at this evaluation. */
  layerStats: LayerStat[];
}

/** One parameter tensor at one evaluation: its spread, and how far it moved since the previous one. */
export interface LayerStat {
  name: string;
  mean: number;
  std: number;
  /** ‖w_now − w_prev‖ / ‖w_prev‖ (the relative update since the previous evaluation); null at the first. */
  relUpdate: number | null;
}

/** What a checkpoint file says about itself (checked: CRC, data identity when it records one). */
export interface CheckpointInfo {
  fileName: string;
  step: number;
  config: TrainConfig;
  metrics: MetricsHistory;
  elapsedMs: number;
  /** Whether the checkpoint's data SHA-256 was compared with the loaded data (false: it records none). */
  dataChecked: boolean;
}

/** A model file evaluated on the whole test set ('evaluate-model'). */
export interface ModelEvaluation {
  fileName: string;
  preset: string;
  /** The step the file says it is of (its metadata), when it says. */
  step: number | null;
  testAccuracy: number;
  testLoss: number;
  examples: number;
}

export interface GalleryItem {
  /** Index in the test split (file order). */
  index: number;
  /** C, H, W bytes. */
  image: Uint8Array;
  top3: { classes: number[]; probs: number[] };
}

/** 'starting': Start was pressed and the worker has not answered yet (every control is locked). */
export type RunState = 'idle' | 'loading' | 'ready' | 'starting' | 'running' | 'paused' | 'stopping';

export type DoneReason = 'completed' | 'stopped' | 'diverged';

export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  | { type: 'data-progress'; loaded: number; total: number | null }
  | { type: 'data-ready'; trainSize: number; testSize: number; classNames: string[]; samples: SampleImages; loadMs: number }
  | { type: 'run-start'; runId: string; description: string; numParameters: number; startStep: number; maxSteps: number; learningRate: number; config: TrainConfig; trainer: string }
  | {
      type: 'steps';
      /** The training losses since the previous message, one per step. */
      points: { step: number; loss: number }[];
      step: number;
      maxSteps: number;
      epoch: number;
      stepsPerSecond: number;
      /** Mean milliseconds of a training step this session (evaluations and pauses left out); null before the first. */
      msPerStep: number | null;
      /** Time left: the steps at msPerStep plus the evaluations still due at the last one's duration (null when unknown). */
      etaMs: number | null;
      /** Whether etaMs includes the evaluations still due (false before the first evaluation was timed). */
      etaIncludesEval: boolean;
      elapsedMs: number;
      learningRate: number;
    }
  | { type: 'eval-progress'; step: number; done: number; total: number }
  | { type: 'lr-change'; step: number; learningRate: number }
  /** A checkpoint of the run (after each evaluation, when stopped): the resumable file and the model alone. */
  | { type: 'checkpoint'; runId: string; step: number; checkpoint: Uint8Array; model: Uint8Array; testAccuracy: number | null; best: boolean }
  | { type: 'checkpoint-info'; requestId: number; info: CheckpointInfo }
  /** Per-layer gradient and activation statistics of one observed training step (the trainer's hook). */
  | { type: 'layer-activity'; runId: string; stats: StepStats }
  | { type: 'model-evaluated'; requestId: number; result: ModelEvaluation }
  | { type: 'gallery'; requestId: number; trueClass: number; predictedClass: number; evalStep: number; modelStep: number; total: number; items: GalleryItem[] }
  | ({ type: 'eval' } & EvalSnapshot)
  | { type: 'state'; state: RunState }
  | {
      type: 'done';
      runId: string;
      reason: DoneReason;
      step: number;
      testAccuracy: number | null;
      elapsedMs: number;
      /** With 'diverged': what became non-finite, e.g. 'the training loss became NaN'. */
      detail?: string;
      metrics: MetricsHistory;
    }
  | { type: 'file'; name: string; mime: string; bytes: Uint8Array }
  | { type: 'measured'; timing: StepTiming; threads: number }
  /** `requestId`: the request that failed, when one did (so its caller stops waiting). */
  | { type: 'error'; message: string; requestId?: number; during?: ToWorker['type'] };
