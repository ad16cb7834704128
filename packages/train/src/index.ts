// @backprop/train: the training loop, evaluation, metrics, checkpoints, presets and chart specs.
// No node: imports here (the web app runs this in a worker); files live in '@backprop/train/node'.
export {
  DEFAULT_CONFIG,
  validateConfig,
  MODEL_KINDS,
  ACTIVATION_NAMES,
  NORM_NAMES,
  OPTIMIZER_NAMES,
  NORMALIZATION_NAMES,
  type TrainConfig,
  type ModelKind,
  type ActivationName,
  type NormName,
  type OptimizerName,
  type NormalizationName,
} from './config.js';
export { PRESETS, PRESET_NAMES, isPresetName, presetConfig, type PresetName } from './presets.js';
export type { TrainableModel, EvalSums, TensorMap } from './trainable-model.js';
export { ManualMlpModel, type ManualMlpOptions } from './manual-mlp-model.js';
export { LayersModel, type LayersModelOptions } from './layers-model.js';
export { buildModel, layoutFor, type DataShape } from './build-model.js';
export { makeRunData, type RunData } from './data.js';
export { evaluate, type EvalResult } from './evaluate.js';
export {
  emptyMetrics,
  cloneMetrics,
  meanTrainLoss,
  metricsToCsv,
  metricsFromCsv,
  metricsToJson,
  metricsFromJson,
  type Divergence,
  type MetricsHistory,
  type TrainPoint,
  type EvalPoint,
} from './metrics.js';
export type { TrainEvent, StartEvent, StepEvent, EvalEvent, CheckpointEvent, DivergedEvent, DoneEvent } from './events.js';
export { encodeCheckpoint, decodeCheckpoint, CheckpointError, CHECKPOINT_FORMAT, type Checkpoint } from './checkpoint.js';
export { crc32, crc32Hex } from './crc32.js';
export { train, type TrainOptions, type TrainResult } from './trainer.js';
export { observesStep, type StepObserver, type StepStats, type LayerStats, type GradientStats, type ActivationStats } from './step-stats.js';
export { lossChartSpec, accuracyChartSpec, type VegaLiteSpec, type ChartOptions } from './charts.js';
export { summaryMarkdown, formatDuration, formatMetric, divergedStatus, type SummaryInput } from './summary.js';
export { yieldToEventLoop } from './yield.js';
export {
  activationExperiment,
  activationTable,
  gradNormChartSpec,
  activationAccuracyChartSpec,
  type ActivationExperimentOptions,
  type ActivationExperimentResult,
  type GradNormPoint,
  type ActivationAccuracyPoint,
} from './experiments/activation.js';
export {
  normBatchSizeExperiment,
  normBatchSizeChartSpec,
  type NormBatchSizeOptions,
  type NormBatchSizeResult,
  type NormBatchSizeRow,
} from './experiments/norm-batch-size.js';
export {
  parseSweepSpec,
  validateSweepSpec,
  sweepSpecToFile,
  checkValue,
  gridSize,
  SweepSpecError,
  METRICS,
  type SweepSpec,
  type SweepValue,
  type SweepMetric,
  type Distribution,
} from './sweep/spec.js';
export { SWEEP_KEYS, type SweepKey } from './sweep/sweep-keys.js';
export { planTrials, trialId, draw, type Trial } from './sweep/plan.js';
export { trialResult, rankResults, resultsCsv, sweepSummaryMarkdown, searchedKeys, formatValue, type TrialResult, type TrialStatus, type SweepSummaryInput } from './sweep/results.js';
export { metricVsOptionSpec, trialCurvesSpec } from './sweep/sweep-charts.js';
