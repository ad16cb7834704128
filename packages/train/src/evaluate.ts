// Accuracy and loss on the WHOLE test set, in chunks of `batchSize` (memory only: the sums make
// the result independent of the chunk size up to float rounding of the loss).
import type { DataSet } from '@backprop/data';
import type { TrainableModel } from './trainable-model.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  examples: number;
  /** Counts [K × K], row = true class, column = predicted class; sums to `examples`. */
  confusion: Int32Array;
}

export function evaluate(model: TrainableModel, data: DataSet, batchSize: number): EvalResult {
  let lossSum = 0;
  let correct = 0;
  let examples = 0;
  const k = data.numClasses;
  const confusion = new Int32Array(k * k);
  for (const batch of data.batches(batchSize)) {
    const sums = model.evaluate(batch);
    lossSum += sums.lossSum;
    correct += sums.correct;
    examples += batch.size;
    for (let i = 0; i < batch.size; i++) confusion[batch.labels[i]! * k + sums.predicted[i]!]!++;
  }
  if (examples === 0) throw new Error('evaluate: the data set is empty');
  return { loss: lossSum / examples, accuracy: correct / examples, examples, confusion };
}
