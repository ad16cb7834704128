// One training step and evaluation helpers for the manual MLP.
import type { tf } from '@backprop/tensor';
import { expectSameShape, expectShape } from '@backprop/tensor';
import type { MLP } from './mlp.js';
import type { Loss } from './module.js';
import type { SGD } from './sgd.js';

/**
 * forward → loss → backward → SGD update; returns the batch loss. With a fused loss
 * (`takesLogits`, e.g. SoftmaxCrossEntropy) the model's Softmax is skipped in both directions.
 * Arguments in the order of @backprop/layers' trainStep: (model, criterion, x, targets, optimizer).
 */
export function trainStep<T = tf.Tensor>(model: MLP<T>, loss: Loss<T>, x: T, targets: T, optimizer: SGD<T>): number {
  const { ops } = model;
  const value = ops.tidy(() => {
    const out = loss.takesLogits ? model.logits(x) : model.forward(x);
    const l = loss.forward(out, targets);
    const dout = loss.backward(out, targets);
    if (loss.takesLogits) model.backwardLogits(dout);
    else model.backward(dout);
    optimizer.step();
    return l;
  });
  const result = ops.toArray(value)[0]!;
  ops.dispose(value);
  return result;
}

/** Index of the largest value in each row of a [N, C] array (first one on ties). */
export function argmaxRows(values: ArrayLike<number>, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (values[i * c + j]! > values[i * c + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** Fraction of rows whose arg-max agrees: scores (probabilities or logits) vs one-hot targets. */
export function accuracy<T>(ops: { shape(x: T): number[]; toArray(x: T): ArrayLike<number> }, scores: T, targets: T): number {
  const shape = ops.shape(scores);
  expectShape('accuracy', 'scores', shape, [null, null]);
  expectSameShape('accuracy', 'targets', ops.shape(targets), shape);
  const [n, c] = shape as [number, number];
  const p = argmaxRows(ops.toArray(scores), n, c);
  const t = argmaxRows(ops.toArray(targets), n, c);
  let hits = 0;
  for (let i = 0; i < n; i++) if (p[i] === t[i]) hits++;
  return n === 0 ? 0 : hits / n;
}

/** Predicted class per sample; no activations are kept. */
export function predict<T>(model: MLP<T>, x: T): Int32Array {
  const probs = model.forward(x);
  model.releaseCache();
  const [n, c] = model.ops.shape(probs) as [number, number];
  const classes = argmaxRows(model.ops.toArray(probs), n, c);
  model.ops.dispose(probs);
  return classes;
}

/** Mean cross-entropy and accuracy of the model on (x, one-hot targets); no activations are kept. */
export function evaluate<T>(model: MLP<T>, loss: Loss<T>, x: T, targets: T): { loss: number; accuracy: number } {
  const { ops } = model;
  const out = loss.takesLogits ? model.logits(x) : model.forward(x);
  model.releaseCache();
  const l = loss.forward(out, targets);
  loss.releaseCache();
  const result = { loss: ops.toArray(l)[0]!, accuracy: accuracy(ops, out, targets) };
  ops.dispose([out, l]);
  return result;
}
