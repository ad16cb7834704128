// The pre-activation residual block of Part 4 of docs/reference-settings.md: x + Conv3×3(c→c, pad 1)(ReLU(BN(x))).
// Children `bn` and `conv`, so names read `….bn.weight`, `….conv.weight` as in the PyTorch reference.
import { type Rng, tf } from '@backprop/tensor';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { defaultRng } from './init.js';
import { Module } from './module.js';

export class PreActBlock extends Module {
  readonly bn: BatchNorm2d;
  readonly conv: Conv2d;

  constructor(readonly channels: number, { rng = defaultRng() }: { rng?: Rng } = {}) {
    super();
    this.bn = this.registerModule('bn', new BatchNorm2d(channels));
    this.conv = this.registerModule('conv', new Conv2d(channels, channels, 3, { padding: 1, rng }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    // bn.forwardRelu: ReLU(BN(x)), one engine kernel each way where the engine runs; conv.forwardAdd:
    // x + conv(·), the sum made in the convolution's output pass.
    return tf.tidy(() => this.conv.forwardAdd(this.bn.forwardRelu(x), x));
  }
}
