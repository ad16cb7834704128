// What a running trainer reports. Plain objects (structured-clone safe), so the same stream feeds
// the CLI's progress bar and a web worker's postMessage.
import type { TrainConfig } from './config.js';
import type { Divergence, EvalPoint } from './metrics.js';
import type { TrainResult } from './trainer.js';

export interface StartEvent {
  type: 'start';
  config: TrainConfig;
  /** Steps already done (> 0 when resuming). */
  startStep: number;
  maxSteps: number;
  description: string;
  numParameters: number;
}

export interface StepEvent {
  type: 'step';
  step: number;
  maxSteps: number;
  /** Mean loss of this step's batch. */
  loss: number;
  /** Epochs of the training set completed so far. */
  epoch: number;
  /** Training steps per second, averaged over the last steps (evaluation time excluded). */
  stepsPerSecond: number;
  /** Wall time of the run so far, resumed parts included. */
  elapsedMs: number;
  /** Test accuracy of the latest evaluation, null before the first. */
  lastTestAccuracy: number | null;
}

export interface EvalEvent extends EvalPoint {
  type: 'eval';
  maxSteps: number;
  /** How long the evaluation took. */
  evalMs: number;
  /** Counts [K × K] over the whole test set, row = true class, column = predicted (not kept in the metrics). */
  confusion: Int32Array;
  elapsedMs: number;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  step: number;
}

/** A step's loss or updated parameters became NaN/±Infinity; the run ends there (a DoneEvent follows). */
export interface DivergedEvent extends Divergence {
  type: 'diverged';
  /** Step of the newest checkpoint (the model the run keeps); -1 when there is none. */
  lastCheckpointStep: number;
  elapsedMs: number;
}

/** The run's end: what `train` also returns (TrainResult). */
export interface DoneEvent extends TrainResult {
  type: 'done';
}

export type TrainEvent = StartEvent | StepEvent | EvalEvent | CheckpointEvent | DivergedEvent | DoneEvent;
