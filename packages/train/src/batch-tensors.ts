// From a data-set Batch (plain arrays) to tensors, and counting hits; shared by the adapters.
import type { Batch } from '@backprop/data';
import { classIndices } from '@backprop/layers';
import { tf } from '@backprop/tensor';

/**
 * x in the batch's shape; y from the batch's class indices, which are range-checked here while
 * still a JS array: int32 [N] for the autograd models (CrossEntropyLoss then never reads them
 * back), or one-hot float32 [N, K] where the manual modules need it (`oneHot`). The caller
 * disposes both.
 */
export function toTensors(batch: Batch, { oneHot, numClasses }: { oneHot: boolean; numClasses: number }): { x: tf.Tensor; y: tf.Tensor } {
  const indices = classIndices(batch.labels, numClasses);
  const x = tf.tensor(batch.x, batch.xShape, 'float32');
  if (!oneHot) return { x, y: indices };
  // int32 one-hot, then cast: tfjs-backend-wasm's OneHot ignores its dtype attribute.
  const y = tf.tidy(() => tf.cast(tf.oneHot(indices, numClasses), 'float32'));
  indices.dispose();
  return { x, y };
}

/** The arg-max class of each row of `scores` [N, K], and how many equal `labels[row]`. */
export function scoreHits(scores: tf.Tensor, labels: ArrayLike<number>): { predicted: Int32Array; correct: number } {
  const argMax = tf.argMax(scores, 1);
  const predicted = Int32Array.from(argMax.dataSync());
  argMax.dispose();
  if (predicted.length !== labels.length) throw new Error(`scoreHits: ${predicted.length} predictions for ${labels.length} labels`);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return { predicted, correct };
}

/** Throws unless lr is a positive finite number. */
export function checkRate(lr: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`setLearningRate: lr must be a positive finite number, got ${lr}`);
}

/**
 * true when no entry of `tensors` is NaN or ±Infinity. x·0 is 0 for every finite x and NaN
 * otherwise, so the sum of all of them is exactly 0 or NaN — no overflow to mistake for divergence;
 * one scalar read for all tensors.
 */
export function allFinite(tensors: readonly tf.Tensor[]): boolean {
  if (!tensors.some((t) => t.dtype === 'float32')) return true; // integer tensors cannot be NaN
  const total = tf.tidy(() => tf.addN(tensors.filter((t) => t.dtype === 'float32').map((t) => tf.sum(tf.mul(t, 0)))));
  const value = total.dataSync()[0]!;
  total.dispose();
  return value === 0;
}
