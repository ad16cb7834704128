// @backprop/manual: hand-derived forward/backward modules, the manual MLP, gradient checking.
export type { Axis, Ops, Tidied } from './ops.js';
export { tfOps } from './tf-ops.js';
export { F64Tensor } from './f64-tensor.js';
export { f64Ops } from './f64-ops.js';
export type { Layer, Loss, ModuleOptions, InitOptions, ParamRef, WeightAndBias } from './module.js';
export {
  layerNormForward,
  layerNormBackward,
  layerNormForwardWith,
  layerNormBackwardWith,
  type LayerNormForwardResult,
  type LayerNormBackwardResult,
} from './layer-norm-functions.js';
export { Linear, type LinearOptions } from './linear.js';
export { Activation } from './activation.js';
export { ELU } from './elu.js';
export { Tanh } from './tanh.js';
export { Sigmoid } from './sigmoid.js';
export { ACTIVATION_NAMES, activationChoices, isActivationName, type ActivationName } from './activation-names.js';
export { ReLU } from './relu.js';
export { Softmax, softmaxWith } from './softmax.js';
export { CrossEntropy } from './cross-entropy.js';
export { SoftmaxCrossEntropy } from './softmax-cross-entropy.js';
export { LayerNorm } from './layer-norm.js';
export { MLP, type MLPOptions } from './mlp.js';
export { SGD, type SGDOptions } from './sgd.js';
export { trainStep, evaluate, predict, accuracy, argmaxRows } from './train-step.js';
export {
  gradCheck,
  checkGradients,
  layerDifferentiable,
  lossDifferentiable,
  type Differentiable,
  type GradCheckOptions,
  type GradCheckReport,
} from './grad-check.js';
export { mlpDifferentiable } from './mlp-grad-check.js';
export {
  compareFloat32,
  roundToFloat32,
  type AgreementKind,
  type AgreementReport,
  type AgreementRun,
} from './agreement.js';
export { checkSpecs, runCheckSpec, awayFromKink, KINK_MARGIN, NEAR_ZERO_ATOL, type CheckSpec } from './check-cases.js';
export { agreementSpecs, runAgreementSpec, type AgreementSpec } from './agreement-cases.js';
export { gradCheckAll, agreementRow, checkRow, type GradCheckRow, type GradCheckAllOptions } from './grad-check-all.js';
