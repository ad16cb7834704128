export { tf } from './tf.js';
export { initBackend, type BackendInfo, type EngineChoice, type InitBackendOptions } from './backend.js';
export { expectSameShape, expectShape, positiveInt, shapeSize, shapeStr } from './checks.js';
export { maxAbsError, relError, scaledError } from './error-measures.js';
export { Rng, randomNormal, randomUniform, type NormalOptions } from './random.js';
export { addedKernels, fastPathKernels, registerTrainingKernels, setTrainingKernels, trainingKernelsEnabled } from './register-kernels.js';
export { engineInfo, enginePoolStats, setEngineEnabled, setEngineSpin, type EngineInfo, type EngineMath } from './engine/engine.js';
export type { PoolStats } from './engine/thread-pool.js';
export { fusedAdamAvailable, fusedAdamUpdate, fusedAdamUpdateMomentsInPlace, type AdamUpdateAttrs } from './ops/adam-update.js';
export { fusedSgdAvailable, fusedSgdUpdate, type SgdUpdateAttrs } from './ops/sgd-update.js';
export { setMaxPoolGradFastPaths, setMaxPoolGradGather } from './kernels/max-pool-grad.js';
export { conv2d, conv2dAddResidual, conv2dGradientConfig, type Conv2dOptions, type Conv2dPad } from './ops/conv2d.js';
export { fusedBatchNormAvailable, fusedBatchNormBackward, fusedBatchNormForward, fusedBatchNormRunningStats, type BatchNormForwardResult } from './ops/batch-norm.js';
export { engineFor } from './engine/engine.js';
export {
  clearWinogradCache, winogradApplies, winogradBackpropFilter, winogradBackpropInput, winogradCacheBytes, winogradChoice,
  winogradConv2d, setWinogradMode, getWinogradMode, setWinogradBlockTiles, type ConvPass, type WinogradMode, type WinogradVariant,
} from './kernels/winograd.js';
