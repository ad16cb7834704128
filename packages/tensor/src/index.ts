export { tf } from './tf.js';
export { initBackend, type BackendInfo, type InitBackendOptions } from './backend.js';
export { Rng, randomNormal, randomUniform, type NormalOptions } from './random.js';
export { addedKernels, fastPathKernels, registerTrainingKernels, setTrainingKernels, trainingKernelsEnabled } from './register-kernels.js';
