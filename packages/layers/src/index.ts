// @backprop/layers: PyTorch-style modules on tfjs autograd, LayerNorm three ways, the reference
// models, optimizers and safetensors state with PyTorch names and layouts.
export { Module, type StateEntry, type TorchLayout, type ForwardHook, type RemovableHandle } from './module.js';
export { manualSeed, defaultRng, kaimingUniformValues, type InitOptions } from './init.js';
export { toTorchLayout, fromTorchLayout, torchShape } from './torch-layout.js';
export { Linear, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm.js';
export { ELU, ReLU, Sigmoid, Tanh } from './activations.js';
export { MaxPool2d } from './max-pool2d.js';
export { Flatten } from './flatten.js';
export { Sequential } from './sequential.js';
export { PreActBlock } from './pre-act-block.js';
export { CrossEntropyLoss, classIndices, type LossOutput, type Reduction, type Target } from './cross-entropy-loss.js';
export { LayerNormAutograd } from './layer-norm-autograd.js';
export { LayerNormManual, layerNormManual } from './layer-norm-manual.js';
export { layerNormRows } from './layer-norm-checks.js';
export { gradCheckAll } from './grad-check-all.js';
export { MLP, type MLPOptions, type Activation } from './mlp.js';
export { ConvNet, type ConvNetOptions } from './convnet.js';
export { Optimizer, type StepOptions, type Params, type ParamSource, type ParamGroup, type ParamGroupSpec, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions, type SGDHyper } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamHyper } from './adam.js';
export { encodeOptimizerState, decodeOptimizerState, optimizerStateTensors, optimizerStateFromTensors, optimizerStateFromLegacy, OPTIMIZER_STATE_FORMAT } from './optimizer-state.js';
export {
  LRScheduler,
  StepLR,
  CosineAnnealingLR,
  LinearLR,
  OneCycleLR,
  type LRSchedulerState,
  type StepLROptions,
  type CosineAnnealingLROptions,
  type LinearLROptions,
  type OneCycleLROptions,
} from './lr-scheduler.js';
export { namedGradients, type NamedGradients } from './gradients.js';
export { clipGradNorm } from './clip-grad.js';
export { trainStep, type Criterion } from './train-step.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  type SafetensorsDtype,
  type SafetensorsData,
  type SafetensorsTensor,
  type SafetensorsFile,
} from './safetensors.js';
export { stateDict, loadStateDict, saveState, loadState, castState, type LoadStateOptions, type LoadStateResult, type SaveStateOptions } from './state.js';
export { toFloat16Bits, fromFloat16Bits, toBFloat16Bits, fromBFloat16Bits, halfToFloat32, float32ToHalf } from './half-float.js';
export { Dropout } from './dropout.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
