// Layer normalisation, versions (b) and (c) of Part 3 of docs/reference-settings.md: a custom-gradient function whose
// backward is the hand derivation (docs/derivations.md), and a module wrapping it. The forward and backward
// math lives once, in @backprop/manual; this file only plugs it into tfjs's autograd.
import { layerNormBackward, layerNormForward } from '@backprop/manual';
import { shapeStr, tf } from '@backprop/tensor';
import { LayerNormModule } from './layer-norm-module.js';

const customByEps = new Map<number, (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor>();

/** The custom-gradient op for one ε (tf.customGrad functions take tensors only, so ε is closed over). */
function customLayerNorm(eps: number): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  let fn = customByEps.get(eps);
  if (fn == null) {
    const custom = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const { y, xHat, invStd } = layerNormForward(x, gamma, beta, eps);
      save([xHat, invStd, gamma]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sXHat, sInvStd, sGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
          const { dx, dgamma, dbeta } = layerNormBackward(dy, sXHat, sInvStd, sGamma);
          return [dx, dgamma, dbeta];
        },
      };
    });
    fn = (x, gamma, beta) => custom(x, gamma, beta);
    customByEps.set(eps, fn);
  }
  return fn;
}

/**
 * y = γ·x̂ + β over the features of each sample of a 2-D x [N, n], with gradients for x, γ and β
 * from the hand-derived backward of @backprop/manual (`tf.customGrad`).
 */
export function layerNormManual(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  if (x.rank !== 2) throw new Error(`layerNormManual: x must be 2-D [batch, features], got shape ${shapeStr(x.shape)} (rank ${x.rank})`);
  const n = x.shape[1]!;
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t.rank !== 1 || t.shape[0] !== n) throw new Error(`layerNormManual: ${name} must have shape [${n}], got ${shapeStr(t.shape)}`);
  }
  if (!(eps > 0)) throw new Error(`layerNormManual: eps must be positive, got ${eps}`);
  return customLayerNorm(eps)(x, gamma, beta);
}

/** Version (c): a module around `layerNormManual`, γ (`weight`) = 1 and β (`bias`) = 0 at init. */
export class LayerNormManual extends LayerNormModule {
  protected normalize(x: tf.Tensor): tf.Tensor {
    return layerNormManual(x, this.weight, this.bias, this.eps);
  }
}
