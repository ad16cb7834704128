// torch.nn.Flatten (start_dim 1). NHWC inputs are flattened in PyTorch's C, H, W order, so that a
// Linear layer after Flatten has the same weights as in PyTorch (an NCHW network).
import { shapeStr, tf } from '@backprop/tensor';
import { Module } from './module.js';

export class Flatten extends Module {
  override extraRepr(): string {
    return 'start_dim=1, end_dim=-1';
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 2) throw new Error(`Flatten.forward: x must have rank ≥ 2 ([N, …]), got shape ${shapeStr(x.shape)}`);
    const n = x.shape[0]!;
    if (x.rank === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1)) {
      return tf.tidy(() => tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n, -1]));
    }
    return tf.reshape(x, [n, x.size / Math.max(n, 1)]);
  }
}
