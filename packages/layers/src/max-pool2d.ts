// torch.nn.MaxPool2d on NHWC. Explicit padding, counted as −∞ (padded cells never win), so the
// output size is PyTorch's floor((H + 2p − k)/s) + 1: 32 → 16 for kernel 3, stride 2, padding 1.
// (tfjs's 'same' would pad asymmetrically and give other windows.)
import { shapeStr, tf } from '@backprop/tensor';
import { expectRank, pair } from './errors.js';
import { Module } from './module.js';
import { pyTuple } from './repr.js';

export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(kernelSize: number | [number, number], stride?: number | [number, number], padding: number | [number, number] = 0) {
    super();
    this.kernelSize = pair('MaxPool2d', 'kernelSize', kernelSize);
    this.stride = pair('MaxPool2d', 'stride', stride ?? kernelSize);
    this.padding = pair('MaxPool2d', 'padding', padding, 0);
    const [kh, kw] = this.kernelSize;
    const [ph, pw] = this.padding;
    if (2 * ph > kh || 2 * pw > kw) {
      throw new Error(`MaxPool2d: padding must be at most half the kernel size, got padding [${ph}, ${pw}] for kernel [${kh}, ${kw}]`);
    }
  }

  /** PyTorch's output size for an input of h × w. */
  outputSize(h: number, w: number): [number, number] {
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const [ph, pw] = this.padding;
    return [Math.floor((h + 2 * ph - kh) / sh) + 1, Math.floor((w + 2 * pw - kw) / sw) + 1];
  }

  override extraRepr(): string {
    const one = (v: [number, number]) => (v[0] === v[1] ? String(v[0]) : pyTuple(v));
    return `kernel_size=${one(this.kernelSize)}, stride=${one(this.stride)}, padding=${one(this.padding)}, dilation=1, ceil_mode=False`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    expectRank('MaxPool2d.forward', 'x', x, 4, 'NHWC [N, H, W, C]');
    const [, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = this.outputSize(h, w);
    if (oh < 1 || ow < 1) throw new Error(`MaxPool2d.forward: input ${shapeStr(x.shape)} is smaller than the kernel [${this.kernelSize.join(', ')}]`);
    const [ph, pw] = this.padding;
    // A numeric pad is symmetric in tfjs (pad top = bottom = p); explicit pads for ph ≠ pw.
    const pad = ph === pw ? ph : ([[0, 0], [ph, ph], [pw, pw], [0, 0]] as never);
    const y = tf.maxPool(x as tf.Tensor4D, this.kernelSize, this.stride, pad);
    if (y.shape[1] !== oh || y.shape[2] !== ow) {
      y.dispose();
      throw new Error(`MaxPool2d.forward: tfjs gave ${shapeStr(y.shape)} for input ${shapeStr(x.shape)}, PyTorch gives [${x.shape[0]}, ${oh}, ${ow}, ${x.shape[3]}]`);
    }
    return y;
  }
}
