// The whole manual MLP plus a loss as a `Differentiable` in its parameters: an end-to-end check
// that the modules' backwards compose.
import type { Differentiable } from './grad-check.js';
import type { F64Tensor } from './f64-tensor.js';
import type { MLP } from './mlp.js';
import type { Loss } from './module.js';

export function mlpDifferentiable(model: MLP<F64Tensor>, loss: Loss<F64Tensor>, x: F64Tensor, targets: F64Tensor): Differentiable {
  const refs = model.parameters();
  const lossOf = () => {
    const out = loss.takesLogits ? model.logits(x) : model.forward(x);
    return { out, value: loss.forward(out, targets) };
  };
  return {
    targets: refs.map((r) => ({ name: r.name, kind: 'param' as const, value: r.param })),
    output() {
      const { value } = lossOf();
      model.releaseCache();
      return value.data.slice();
    },
    gradients(dout) {
      const { out } = lossOf();
      const d = loss.backward(out, targets);
      if (loss.takesLogits) model.backwardLogits(d);
      else model.backward(d);
      return refs.map((r) => r.grad.data.map((v) => v * dout[0]!));
    },
  };
}
