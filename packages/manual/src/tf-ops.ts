// The training implementation of `Ops`: tfjs tensors, float32, on whatever backend is set
// (WASM SIMD after `initBackend()`).
import { fusedSgdUpdate, shapeStr, tf } from '@backprop/tensor';
import type { Ops, Tidied } from './ops.js';

export const tfOps: Ops<tf.Tensor> = {
  dtype: 'float32',
  name: 'tfjs float32',

  shape: (x) => x.shape.slice(),
  fromArray: (values, shape) => tf.tensor(Float32Array.from(values), shape, 'float32'),
  // dataSync may hand out the backend's own buffer: copy so callers can't alias it.
  toArray: (x) => Float32Array.from(x.dataSync() as Float32Array),
  zeros: (shape) => tf.zeros(shape, 'float32'),
  fill: (shape, value) => tf.fill(shape, value, 'float32'),

  // Non-trainable: tfjs's optimizers and variableGrads must not pick these up.
  variable: (initial) => tf.variable(initial, false),
  assign(target, value) {
    if (!(target instanceof tf.Variable)) throw new Error('tfOps.assign: target must be a variable made by tfOps.variable');
    if (target.shape.join(',') !== value.shape.join(',')) {
      throw new Error(`tfOps.assign: value must have shape ${shapeStr(target.shape)}, got ${shapeStr(value.shape)}`);
    }
    target.assign(value);
  },
  sgdStep: (param, grad, lr) =>
    fusedSgdUpdate(param, grad, null, { lr, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false })?.[0] ?? tf.sub(param, tf.mul(grad, lr)),

  tidy: <R extends Tidied<tf.Tensor>>(fn: () => R): R => tf.tidy(fn as () => tf.TensorContainer) as R,
  keep: (x) => tf.keep(x),
  // A new handle on the same buffer (reference counted): caching an input costs no copy.
  // (tf.clone would do, but the WASM backend's Identity kernel copies the data.)
  retain: (x) => tf.keep(tf.reshape(x, x.shape)),
  dispose: (x) => tf.dispose(x as tf.Tensor | tf.Tensor[]),

  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  neg: (x) => tf.neg(x),
  // Transposed operands go straight to BatchMatMul, whose transpose flags @backprop/tensor makes fast.
  matMul: (a, b, transposeA = false, transposeB = false) => tf.matMul(a, b, transposeA, transposeB),
  transpose: (x) => tf.transpose(x),
  reshape: (x, shape) => tf.reshape(x, shape),

  exp: (x) => tf.exp(x),
  log: (x) => tf.log(x),
  tanh: (x) => tf.tanh(x),
  sqrt: (x) => tf.sqrt(x),
  rsqrt: (x) => tf.rsqrt(x),
  square: (x) => tf.square(x),
  maximum: (x, value) => tf.maximum(x, value),
  minimum: (x, value) => tf.minimum(x, value),
  step: (x) => tf.step(x, 0),

  sum: (x, axis, keepDims = false) => tf.sum(x, axis, keepDims),
  mean: (x, axis, keepDims = false) => tf.mean(x, axis, keepDims),
  max: (x, axis, keepDims = false) => tf.max(x, axis, keepDims),
};
