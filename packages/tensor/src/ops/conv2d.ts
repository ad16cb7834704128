// conv2d(x, filter, bias): y = conv(x, filter) + bias in one kernel (FusedConv2D, linear), with a
// gradient of one lazy function per input, as tfjs's registered gradients are. tf.fused.conv2d's
// gradient is a customGrad that computes dx, dW and db whenever any of them is asked for, so the
// first conv of a network computed the gradient of its input images — a full Conv2DBackpropInput
// every step that nothing reads (12 ms of the CNN's 1-thread step). Here autograd asks only for
// the inputs on a path to the variables, as PyTorch skips inputs that do not require grad.
import * as tf from '@tensorflow/tfjs-core'; // not ../tf.js: register-kernels.ts imports this file
import type { GradConfig, NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs-core';
import { shapeStr } from '../checks.js';

const KERNEL = 'FusedConv2D';

export type Conv2dPad = number | 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

export interface Conv2dOptions {
  /** [height, width] or one number for both. */
  strides: number | [number, number];
  /** Zero padding: a number for every side, 'same', 'valid', or explicit NHWC pairs. */
  pad: Conv2dPad;
}

function checkConv(op: string, x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | null): void {
  if (x.rank !== 4) throw new Error(`${op}: x must be NHWC [N, H, W, C], got ${shapeStr(x.shape)}`);
  if (filter.rank !== 4) throw new Error(`${op}: filter must be [KH, KW, Cin, Cout], got ${shapeStr(filter.shape)}`);
  if (x.shape[3] !== filter.shape[2]) {
    throw new Error(`${op}: x has ${x.shape[3]} channels but filter ${shapeStr(filter.shape)} expects ${filter.shape[2]}`);
  }
  if (bias != null && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) {
    throw new Error(`${op}: bias must be [${filter.shape[3]}], got ${shapeStr(bias.shape)}`);
  }
}

/** y [N, OH, OW, Cout] = conv(x [N, H, W, Cin], filter [KH, KW, Cin, Cout]) + bias [Cout] (NHWC, no dilation). */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | null, { strides, pad }: Conv2dOptions): tf.Tensor4D {
  checkConv('conv2d', x, filter, bias);
  const inputs: NamedTensorMap = bias == null ? { x, filter } : { x, filter, bias };
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
  return tf.engine().runKernel(KERNEL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
}

/** dx, dW and db of a linear NHWC conv from dy, one lazy function each (the FusedConv2D gradient's body). */
function convGradients(dy: tf.Tensor, saved: tf.Tensor[], attrs: NamedAttrMap, kernel: string): Record<'x' | 'filter' | 'bias', () => tf.Tensor> {
  const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
  const g = dy as tf.Tensor4D;
  const { strides, pad, dataFormat, dimRoundingMode, activation, dilations } = attrs as unknown as {
    strides: number | [number, number]; pad: Conv2dPad; dataFormat: string; dimRoundingMode?: string; activation?: string; dilations?: number | [number, number];
  };
  const dil = typeof dilations === 'number' ? [dilations, dilations] : dilations ?? [1, 1];
  if ((activation != null && activation !== 'linear') || dil[0] !== 1 || dil[1] !== 1 || dataFormat !== 'NHWC') {
    throw new Error(`${kernel} gradient: only linear, NHWC, undilated convs (as conv2d runs them), got activation ${activation}, dataFormat ${dataFormat}, dilations ${dil.join('×')}`);
  }
  const common = { strides, pad, dataFormat, dimRoundingMode } as unknown as NamedAttrMap;
  return {
    x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...common, inputShape: x.shape } as unknown as NamedAttrMap) as tf.Tensor,
    filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...common, filterShape: filter.shape } as unknown as NamedAttrMap) as tf.Tensor,
    bias: () => tf.sum(g, [0, 1, 2]),
  };
}

/** The gradient of FusedConv2D as conv2d above runs it (tf.fused.conv2d has its own, a customGrad). */
export const conv2dGradientConfig: GradConfig = {
  kernelName: KERNEL,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => convGradients(dy as tf.Tensor, saved, attrs, KERNEL),
};

/** The residual block's conv and sum (@backprop/tensor's wasm kernel, kernels/conv2d.ts). */
const ADD_RESIDUAL = 'BackpropConv2DAddResidual';

/**
 * residual + conv2d(x, filter, bias): a residual block's conv and its sum. On WASM with Backprop's
 * kernels one kernel (the sum inside the Winograd output transform); elsewhere conv2d, then tf.add.
 * The same bits either way, and the same gradients: the residual's is dy.
 */
export function conv2dAddResidual(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | null, residual: tf.Tensor4D, options: Conv2dOptions): tf.Tensor4D {
  checkConv('conv2dAddResidual', x, filter, bias);
  if (tf.getKernel(ADD_RESIDUAL, tf.getBackend()) == null) {
    return tf.tidy(() => {
      const y = conv2d(x, filter, bias, options);
      // As the kernel: the residual has the output's shape (tf.add would broadcast a [C] or [1, 1, 1, C] one).
      if (!tf.util.arraysEqual(residual.shape, y.shape)) {
        throw new Error(`conv2dAddResidual: residual must be ${shapeStr(y.shape)} like the conv's output, got ${shapeStr(residual.shape)}`);
      }
      return tf.add(residual, y);
    });
  }
  const inputs: NamedTensorMap = bias == null ? { x, filter, residual } : { x, filter, bias, residual };
  const attrs = { strides: options.strides, pad: options.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
  return tf.engine().runKernel(ADD_RESIDUAL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
}

/** conv2dAddResidual's gradient: the conv's (conv2dGradientConfig), and dy for the residual. */
export const conv2dAddResidualGradientConfig: GradConfig = {
  kernelName: ADD_RESIDUAL,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => ({ ...convGradients(dy as tf.Tensor, saved, attrs, ADD_RESIDUAL), residual: () => tf.reshape(dy as tf.Tensor, (dy as tf.Tensor).shape) }),
};
