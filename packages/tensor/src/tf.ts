// The one door to TensorFlow.js. Importing this module loads tfjs-core's ESM build with
// everything its Node bundle leaves out (gradients, chained ops), registers the WASM and CPU
// backends, and installs Backprop's training kernels on top of the stock WASM ones.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from './register-kernels.js';

registerTrainingKernels();

export { tf };
