// Messages between the page and the training worker. Plain, structured-clone-safe objects; big
// arrays travel as typed arrays (transferred where the sender no longer needs them).
import type { ActivationName, NormName, OptimizerName } from '@backprop/train';
import type { StepTiming } from './worker/measure-steps.js';

/** The knobs the UI exposes: the CLI's flags (see @backprop/train's TrainConfig). */
export interface RunSettings {
  preset: string;
  hiddenUnits: number[];
  activation: ActivationName;
  norm: NormName;
  optimizer: OptimizerName;
  learningRate: number;
  maxSteps: number;
  batchSize: number;
  evalFreq: number;
  /** Evaluate the untrained model at step 0 (a whole CNN test pass takes minutes; see TrainConfig). */
  evalAtStart: boolean;
  seed: number;
}

export type DataSource = { kind: 'file'; file: Blob } | { kind: 'url'; url: string };

export type ToWorker =
  | { type: 'init'; threads: number }
  | { type: 'load-data'; source: DataSource }
  /** `control`: the shared pause/stop word (control.ts); null when the page is not cross-origin isolated. */
  | { type: 'start'; settings: RunSettings; control: SharedArrayBuffer | null }
  /** Stop after the current step (pause, resume and stop also go through the shared control word). */
  | { type: 'stop' }
  | { type: 'set-lr'; learningRate: number }
  | { type: 'export'; what: 'model' | 'metrics' }
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
  /** K×K counts, row = true class, column = predicted class, over `confusionExamples` test images. */
  confusion: Int32Array;
  confusionExamples: number;
  weights: FirstLayerWeights | null;
}

export type RunState = 'idle' | 'loading' | 'ready' | 'running' | 'paused' | 'stopping';

export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  | { type: 'data-progress'; loaded: number; total: number | null }
  | { type: 'data-ready'; trainSize: number; testSize: number; classNames: string[]; samples: SampleImages; loadMs: number }
  | { type: 'run-start'; description: string; numParameters: number; maxSteps: number; learningRate: number; trainer: string }
  | {
      type: 'steps';
      /** The training losses since the previous message, one per step. */
      points: { step: number; loss: number }[];
      step: number;
      maxSteps: number;
      epoch: number;
      stepsPerSecond: number;
      elapsedMs: number;
      learningRate: number;
    }
  | ({ type: 'eval' } & EvalSnapshot)
  | { type: 'state'; state: RunState }
  | {
      type: 'done';
      /** 'diverged': the trainer's DivergedEvent (loss or parameters NaN/±Infinity at `step`). */
      reason: 'completed' | 'stopped' | 'diverged';
      step: number;
      testAccuracy: number | null;
      elapsedMs: number;
      /** With 'diverged': what became non-finite, e.g. 'the training loss became NaN'. */
      detail?: string;
    }
  | { type: 'file'; name: string; mime: string; bytes: Uint8Array }
  | { type: 'measured'; timing: StepTiming; threads: number }
  | { type: 'error'; message: string };
