// The one interface the trainer drives: a model together with its loss and optimizer. Two adapters
// implement it — the hand-derived MLP of @backprop/manual and any @backprop/layers Module with a
// layers optimizer — so every run, Part 1 to Part 4, goes through the same loop.
import type { Batch } from '@backprop/data';
import type { SafetensorsTensor } from '@backprop/layers';
import type { LayerStats } from './step-stats.js';

/** Named tensors as they go into a safetensors file (PyTorch names and layouts). */
export type TensorMap = Map<string, SafetensorsTensor>;

/** What evaluating one chunk of the test set gives; summed, so chunks add up exactly. */
export interface EvalSums {
  /** Sum of the per-example losses of the chunk. */
  lossSum: number;
  /** Number of examples whose arg-max prediction equals the label. */
  correct: number;
  /** The arg-max class of each example. */
  predicted: Int32Array;
}

export interface TrainableModel {
  /** Short description for logs and summaries, e.g. 'manual MLP 3072-100-10 (elu), SGD'. */
  readonly description: string;
  /** Batch layout the model reads: 'flat' for MLPs, 'nhwc' for the CNN. */
  readonly layout: 'flat' | 'nhwc';
  /** Forward → loss → backward → update on one batch; returns the batch's mean loss. */
  trainStep(batch: Batch): number;
  /**
   * The same step as `trainStep` (same numbers), also measuring it: every parameter's gradient of
   * this step and every layer's output (step-stats.ts). The trainer calls it on observed steps only,
   * so an unobserved run never pays for it.
   */
  trainStepWithStats(batch: Batch): { loss: number; stats: LayerStats };
  /** Loss and hits on a batch in inference mode; changes no state (BatchNorm uses running statistics). */
  evaluate(batch: Batch): EvalSums;
  /** Class scores (logits) [N, K], row-major, in inference mode; changes no state. */
  predict(batch: Batch): Float32Array;
  /** Changes the optimizer's step size from the next step on (e.g. a slider in the web app). */
  setLearningRate(lr: number): void;
  /** Parameters and buffers, copied out (PyTorch names and layouts). */
  stateDict(): TensorMap;
  /** Loads what `stateDict` gave (shapes must match). */
  loadStateDict(tensors: TensorMap): void;
  /** The optimizer's state (moments, step counter), copied out. */
  optimizerState(): Promise<TensorMap>;
  /** Restores `optimizerState()`; call before the first step of a fresh model. */
  loadOptimizerState(tensors: TensorMap): Promise<void>;
  /**
   * false when any parameter (or buffer, e.g. BatchNorm's running statistics) holds NaN or ±Infinity;
   * the trainer asks after every step to stop a diverged run there.
   */
  parametersFinite(): boolean;
  /** Number of trainable scalars. */
  numParameters(): number;
  /** Frees every tensor the model and its optimizer hold. */
  dispose(): void;
}
