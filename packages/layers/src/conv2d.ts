// torch.nn.Conv2d on NHWC activations. The weight lives in tfjs's [kh, kw, in, out] layout (what
// tf.conv2d takes, no transpose per step) and is saved and loaded as PyTorch's [out, in, kh, kw].
import { conv2d, conv2dAddResidual, positiveInt, shapeStr, tf } from '@backprop/tensor';
import { expectRank, pair } from './errors.js';
import { defaultRng, kaimingUniformValues, rngFrom, variableFrom, type InitOptions } from './init.js';
import { Module } from './module.js';
import { fromTorchLayout } from './torch-layout.js';
import { pyTuple } from './repr.js';

/** `seed` or `rng` (InitOptions); neither: the global generator (`manualSeed`). */
export interface Conv2dOptions extends InitOptions {
  stride?: number | [number, number];
  /** Zero padding on each side (PyTorch's integer `padding`). */
  padding?: number | [number, number];
  bias?: boolean;
}

export class Conv2d extends Module {
  /** [kh, kw, in, out] (tfjs layout). */
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    { stride = 1, padding = 0, bias = true, ...init }: Conv2dOptions = {},
  ) {
    super();
    const rng = rngFrom('Conv2d', init, defaultRng);
    positiveInt('Conv2d', 'inChannels', inChannels);
    positiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pair('Conv2d', 'kernelSize', kernelSize);
    this.stride = pair('Conv2d', 'stride', stride);
    this.padding = pair('Conv2d', 'padding', padding, 0);
    const [kh, kw] = this.kernelSize;
    const fanIn = inChannels * kh * kw;
    // Drawn in PyTorch's [out, in, kh, kw] order, so a seed means the same filters in both layouts.
    const hwio = tf.tidy(() => fromTorchLayout(tf.tensor(kaimingUniformValues(outChannels * fanIn, fanIn, rng), [outChannels, inChannels, kh, kw]), 'conv2d-hwio'));
    this.weight = this.registerParameter('weight', tf.variable(hwio, true), 'conv2d-hwio');
    hwio.dispose();
    this.bias = bias ? this.registerParameter('bias', variableFrom(kaimingUniformValues(outChannels, fanIn, rng), [outChannels])) : null;
  }

  /** tfjs's pad argument: a number when symmetric, else explicit NHWC padding. */
  private padArg(): number | [[number, number], [number, number], [number, number], [number, number]] {
    const [ph, pw] = this.padding;
    return ph === pw ? ph : [[0, 0], [ph, ph], [pw, pw], [0, 0]];
  }

  override extraRepr(): string {
    const pad = this.padding[0] === 0 && this.padding[1] === 0 ? '' : `, padding=${pyTuple(this.padding)}`;
    const bias = this.bias == null ? ', bias=False' : '';
    return `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}${pad}${bias}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.checkInput('Conv2d.forward', x);
    const filter = this.weight as unknown as tf.Tensor4D;
    // One kernel adds the bias; autograd computes only the gradients it needs (not dx of the images).
    return conv2d(x as tf.Tensor4D, filter, (this.bias as tf.Tensor1D | null) ?? null, { strides: this.stride, pad: this.padArg() });
  }

  /**
   * residual + forward(x), a residual block's sum: on WASM with Backprop's kernels the sum is made
   * inside the convolution's output pass (one read of the residual, no separate Add over the
   * activation); the same values and gradients as tf.add(residual, forward(x)).
   */
  forwardAdd(x: tf.Tensor, residual: tf.Tensor): tf.Tensor {
    this.checkInput('Conv2d.forwardAdd', x);
    expectRank('Conv2d.forwardAdd', 'residual', residual, 4, `NHWC [N, H, W, ${this.outChannels}] like the output`);
    const filter = this.weight as unknown as tf.Tensor4D;
    return conv2dAddResidual(x as tf.Tensor4D, filter, (this.bias as tf.Tensor1D | null) ?? null, residual as tf.Tensor4D, { strides: this.stride, pad: this.padArg() });
  }

  private checkInput(op: string, x: tf.Tensor): void {
    expectRank(op, 'x', x, 4, `NHWC [N, H, W, ${this.inChannels}]`);
    if (x.shape[3] !== this.inChannels) {
      throw new Error(`${op}: x must have shape [N, H, W, ${this.inChannels}] (NHWC), got ${shapeStr(x.shape)}`);
    }
  }
}
