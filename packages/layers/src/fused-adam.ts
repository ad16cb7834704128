// tfjs's AdamOptimizer, with each parameter's update done by one fused kernel where Backprop's
// engine runs (@backprop/tensor `fusedAdamUpdate`: one pass instead of ~14 elementwise kernels,
// bit-identical results). State, names and getWeights/setWeights stay tfjs's, so checkpoints and
// optimizer-state.ts are unchanged. Elsewhere (tfjs-cpu, engine off) tfjs's own update runs.
import { fusedAdamAvailable, fusedAdamUpdate, tf } from '@backprop/tensor';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The AdamOptimizer fields its own applyGradients uses (protected in tfjs's typings). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  incrementIterations(): void;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!fusedAdamAvailable()) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // 1 − β^t in float32, as tfjs computes it.
      const oneMinusAccBeta1 = tf.sub(1, self.accBeta1).dataSync()[0]!;
      const oneMinusAccBeta2 = tf.sub(1, self.accBeta2).dataSync()[0]!;
      const slot = (name: string, value: tf.Variable): Slot => ({ originalName: name, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        self.accumulatedFirstMoment[i] ??= slot(`${name}/m`, value);
        self.accumulatedSecondMoment[i] ??= slot(`${name}/v`, value);
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable;
        const v = self.accumulatedSecondMoment[i]!.variable;
        const [newValue, newM, newV] = fusedAdamUpdate(value, gradient, m, v, {
          beta1: self.beta1,
          beta2: self.beta2,
          oneMinusAccBeta1,
          oneMinusAccBeta2,
          eps: self.epsilon,
          lr: self.learningRate,
        })!;
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}
