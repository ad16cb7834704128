// Everything that defines a training run, one field per knob, with what it means and its default.
// A run is fully determined by its config and its data: same config, same data → same metrics.
// Presets (presets.ts) are partial configs; the CLI's flags override single fields.

import { ACTIVATION_NAMES, type ActivationName } from '@backprop/manual';

// Each choice is one list; its type, the validation below, the CLI's flags and the web form's
// options all derive from it. Activations are @backprop/manual's list (the modules live there).
export const MODEL_KINDS = ['manual-mlp', 'mlp', 'cnn'] as const;
export const NORM_NAMES = ['none', 'batch', 'layer'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
export const NORMALIZATION_NAMES = ['mean-image', 'per-channel', 'none'] as const;
export { ACTIVATION_NAMES, type ActivationName };
export type ModelKind = (typeof MODEL_KINDS)[number];
export type NormName = (typeof NORM_NAMES)[number];
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
export type NormalizationName = (typeof NORMALIZATION_NAMES)[number];

export interface TrainConfig {
  /** Name of the preset the run started from (a record only; the fields below are what count). */
  preset: string;
  /**
   * Which network and which backward:
   * 'manual-mlp' — Part 1 of docs/reference-settings.md, @backprop/manual's MLP with the hand-derived backward;
   * 'mlp' — Part 2, @backprop/layers' MLP on tfjs autograd;
   * 'cnn' — Part 4, @backprop/layers' ConvNet (NHWC input).
   */
  model: ModelKind;
  /** Hidden-layer widths of the MLPs (`--dnn-hidden-units 100,100`); unused by the CNN. */
  hiddenUnits: number[];
  /** Hidden activation of the MLPs; unused by the CNN. */
  activation: ActivationName;
  /** Normalisation after each hidden activation of the autograd MLP (BatchNorm1d / LayerNorm). */
  norm: NormName;
  /** 'sgd' (plain, as the original) or 'adam' (PyTorch's betas and eps). manual-mlp has SGD only. */
  optimizer: OptimizerName;
  /** Step size of the optimizer. */
  learningRate: number;
  /** Training steps (one batch each). */
  maxSteps: number;
  /** Examples per training step. */
  batchSize: number;
  /** Evaluate on the whole test set (and checkpoint) every this many steps, and at step 0 and at the end. */
  evalFreq: number;
  /**
   * Evaluate the untrained model at step 0 too (the first point of the curves). A full test pass of the CNN
   * takes minutes on one WASM thread, so long runs and quick looks can skip it (`--no-initial-eval`).
   */
  evalAtStart: boolean;
  /** Test examples per forward pass during evaluation (memory only; the result does not depend on it). */
  evalBatchSize: number;
  /** Seed of the weight initialisation and of the data shuffles (the original used 42 throughout). */
  seed: number;
  /** Preprocessing fitted on the training split: the reference settings' is the mean image, on pixels in 0–255. */
  normalization: NormalizationName;
}

/** Part 1 of docs/reference-settings.md defaults: 3072-100-10 ELU, SGD lr 1e-3, 1400 steps of 200, eval every 100, seed 42. */
export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  preset: 'mlp-manual',
  model: 'manual-mlp',
  hiddenUnits: [100],
  activation: 'elu',
  norm: 'none',
  optimizer: 'sgd',
  learningRate: 1e-3,
  maxSteps: 1400,
  batchSize: 200,
  evalFreq: 100,
  evalAtStart: true,
  evalBatchSize: 1000,
  seed: 42,
  normalization: 'mean-image',
});

const oneOf = <T extends string>(field: string, value: unknown, allowed: readonly T[]): string | null =>
  allowed.includes(value as T) ? null : `${field} must be one of ${allowed.join(', ')}, got '${String(value)}'`;

/** null, or the problem with a field that must be a positive integer (validateConfig lists them all). */
const positiveIntProblem = (field: string, value: unknown): string | null =>
  Number.isInteger(value) && (value as number) > 0 ? null : `${field} must be a positive integer, got ${String(value)}`;

/** Throws one error listing every invalid field (naming it, the expected and the actual value). */
export function validateConfig(config: TrainConfig): TrainConfig {
  const problems = [
    oneOf('model', config.model, MODEL_KINDS),
    oneOf('activation', config.activation, ACTIVATION_NAMES),
    oneOf('norm', config.norm, NORM_NAMES),
    oneOf('optimizer', config.optimizer, OPTIMIZER_NAMES),
    oneOf('normalization', config.normalization, NORMALIZATION_NAMES),
    positiveIntProblem('maxSteps', config.maxSteps),
    positiveIntProblem('batchSize', config.batchSize),
    positiveIntProblem('evalFreq', config.evalFreq),
    positiveIntProblem('evalBatchSize', config.evalBatchSize),
    typeof config.evalAtStart === 'boolean' ? null : `evalAtStart must be true or false, got ${String(config.evalAtStart)}`,
    Number.isInteger(config.seed) && config.seed >= 0 ? null : `seed must be a non-negative integer, got ${config.seed}`,
    Number.isFinite(config.learningRate) && config.learningRate > 0 ? null : `learningRate must be a positive number, got ${config.learningRate}`,
    Array.isArray(config.hiddenUnits) && config.hiddenUnits.every((h) => Number.isInteger(h) && h > 0)
      ? null
      : `hiddenUnits must be a list of positive integers, got ${JSON.stringify(config.hiddenUnits)}`,
    config.model === 'manual-mlp' && config.optimizer !== 'sgd'
      ? `optimizer must be 'sgd' for the manual MLP (@backprop/manual has plain SGD only), got '${config.optimizer}'`
      : null,
    config.model === 'manual-mlp' && config.norm !== 'none'
      ? `norm must be 'none' for the manual MLP (its hand-derived network has no normalisation), got '${config.norm}'`
      : null,
  ].filter((p): p is string => p != null);
  if (problems.length > 0) throw new Error(`TrainConfig: ${problems.join('; ')}`);
  return config;
}
