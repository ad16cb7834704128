// From a data-set Batch (plain arrays) to tensors, and counting hits; shared by the adapters.
import type { Batch } from '@backprop/data';
import { tf } from '@backprop/tensor';

/**
 * x in the batch's shape; y one-hot float32 [N, K] (the manual modules' targets) or int32 class
 * indices [N]. The caller disposes both.
 */
export function toTensors(batch: Batch, { oneHot }: { oneHot: boolean }): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor(batch.x, batch.xShape, 'float32');
  let y: tf.Tensor;
  if (oneHot) {
    if (!(batch.y instanceof Float32Array) || batch.yShape.length !== 2) {
      x.dispose();
      throw new Error(`toTensors: one-hot targets need a data set made with oneHot: true, got y of shape [${batch.yShape.join(', ')}]`);
    }
    y = tf.tensor(batch.y, batch.yShape, 'float32');
  } else {
    y = tf.tensor1d(Int32Array.from(batch.labels), 'int32');
  }
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
