// The data sets of a run, from loaded data and the config: the reference settings' preprocessing (mean image
// subtracted, pixels in 0–255), the model's layout, seeded shuffles, labels as class indices (the
// manual model makes the one-hot rows its loss needs; see batch-tensors.ts).
import { createDataSets, type DataSet, type LabelledData } from '@backprop/data';
import { layoutFor } from './build-model.js';
import type { TrainConfig } from './config.js';

export interface RunData {
  train: DataSet;
  test: DataSet;
  classNames: string[];
  /** [C, H, W] of one record. */
  recordShape: [number, number, number];
}

export function makeRunData(data: LabelledData, config: TrainConfig): RunData {
  const sets = createDataSets(data, { normalization: config.normalization, layout: layoutFor(config), oneHot: false, seed: config.seed });
  return { train: sets.train, test: sets.test, classNames: sets.classNames, recordShape: [...data.train.shape] };
}
