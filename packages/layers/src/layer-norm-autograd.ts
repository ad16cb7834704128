// Layer normalisation, version (a) of Part 3 of docs/reference-settings.md: the forward pass only, gradients by autograd.
// Per sample over the features: y = γ·(x − μ)/√(σ² + ε) + β with the biased σ².
// Parameters are named `weight` (γ) and `bias` (β), as in torch.nn.LayerNorm.
import { tf } from '@backprop/tensor';
import { LayerNormModule } from './layer-norm-module.js';

export class LayerNormAutograd extends LayerNormModule {
  protected normalize(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, 1, true);
      const xHat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(xHat, this.weight), this.bias);
    });
  }
}
