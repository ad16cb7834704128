// torch.nn.CrossEntropyLoss on logits: log-softmax and negative log-likelihood in one, for class
// indices ([N] int labels) or class probabilities / one-hot rows ([N, C] floats).
import { tf } from '@backprop/tensor';
import { shapeStr } from '@backprop/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

export type Target = tf.Tensor | ArrayLike<number>;

/** What `forward` returns: a scalar for 'mean' and 'sum', the per-sample losses [N] for 'none'. */
export type LossOutput<R extends Reduction> = R extends 'none' ? tf.Tensor1D : tf.Scalar;

/**
 * `new CrossEntropyLoss()` (reduction 'mean', PyTorch's default) returns a `tf.Scalar`, so it
 * can be the closure of `optimizer.step` / `tf.variableGrads` as it is; `{ reduction: 'none' }`
 * types the result as the [N] per-sample losses.
 */
export class CrossEntropyLoss<R extends Reduction = 'mean'> {
  constructor(readonly options: { reduction?: R } = {}) {
    const r = options.reduction ?? 'mean';
    if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new Error(`CrossEntropyLoss: reduction must be 'mean', 'sum' or 'none', got '${String(r)}'`);
  }

  /** Loss of `logits` [N, C] against `target`: class indices [N] or probabilities [N, C]. */
  forward(logits: tf.Tensor, target: Target): LossOutput<R> {
    if (logits.rank !== 2) throw new Error(`CrossEntropyLoss.forward: logits must have shape [N, C], got ${shapeStr(logits.shape)}`);
    const [n, c] = logits.shape as [number, number];
    return tf.tidy(() => {
      const probs = targetProbabilities(target, n, c);
      const perSample = tf.neg(tf.sum(tf.mul(probs, tf.logSoftmax(logits)), 1));
      const reduction: Reduction = this.options.reduction ?? 'mean';
      if (reduction === 'none') return perSample as LossOutput<R>;
      return (reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample)) as LossOutput<R>;
    });
  }
}

/**
 * Class-index tensors whose range was checked when they were made (by `classIndices`), with their
 * class count. tfjs tensors are immutable, so the check still holds: the loss skips reading them
 * back to JS, which would stall every training step.
 */
const checkedLabels = new WeakMap<tf.Tensor, number>();

/**
 * int32 class indices [N] from labels still in JS (a batch's `labels`), range-checked here, where
 * reading them costs nothing: `CrossEntropyLoss` with `numClasses` classes then uses them without
 * reading the tensor back. Throws, naming the entry, for a label outside [0, numClasses).
 */
export function classIndices(labels: ArrayLike<number>, numClasses: number): tf.Tensor1D {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`classIndices: numClasses must be a positive integer, got ${numClasses}`);
  checkLabelRange(labels, numClasses, 'classIndices', 'labels');
  const t = tf.tensor1d(Int32Array.from(labels), 'int32');
  checkedLabels.set(t, numClasses);
  return t;
}

function checkLabelRange(labels: ArrayLike<number>, c: number, op: string, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < c)) throw new Error(`${op}: ${name}[${i}] must be a class index in [0, ${c}), got ${y}`);
  }
}

function targetProbabilities(target: Target, n: number, c: number): tf.Tensor {
  const op = 'CrossEntropyLoss.forward';
  if (!(target instanceof tf.Tensor)) {
    // Labels still in JS: check them here, no read-back needed.
    if (target == null || typeof target.length !== 'number') throw new Error(`${op}: target must be a tensor or an array of class indices, got ${String(target)}`);
    if (target.length !== n) throw new Error(`${op}: target must have shape [${n}] or [${n}, ${c}], got [${target.length}]`);
    checkLabelRange(target, c, op, 'target');
    return tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(target), 'int32'), c), 'float32');
  }
  const t = target;
  if (t.rank === 2) {
    if (t.shape[0] !== n || t.shape[1] !== c) throw new Error(`${op}: target must have shape [${n}] or [${n}, ${c}], got ${shapeStr(t.shape)}`);
    return tf.cast(t, 'float32');
  }
  if (t.rank !== 1 || t.shape[0] !== n) throw new Error(`${op}: target must have shape [${n}] or [${n}, ${c}], got ${shapeStr(t.shape)}`);
  if (t.dtype !== 'int32') throw new Error(`${op}: class-index target must be int32, got ${t.dtype}`);
  // Out-of-range labels would silently give a zero row in oneHot; PyTorch raises, so do we. A tensor
  // from `classIndices` was checked when it was made; any other is read back once to check it.
  if (checkedLabels.get(t) !== c) checkLabelRange(t.dataSync(), c, op, 'target');
  // int32 one-hot, then cast: tfjs-backend-wasm 4.22's OneHot ignores its dtype attribute and
  // writes int32 bits into a tensor labelled float32.
  return tf.cast(tf.oneHot(t as tf.Tensor1D, c), 'float32');
}
