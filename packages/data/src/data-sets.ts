// The train / validation / test DataSets of a loaded data set, preprocessed as the original: the
// normalisation is fitted on the whole training split (validation part included, as
// cifar10_utils did) and applied to all three.
import { Rng } from '@backprop/random';
import { DataSet, type DataSetOptions } from './dataset.js';
import { fitNormalization, type Normalization, type NormalizationKind } from './normalization.js';
import type { LabelledData } from './split.js';

export interface DataSetsOptions extends Omit<DataSetOptions, 'normalization' | 'indices' | 'numClasses'> {
  /** 'mean-image' (default, as the original), 'per-channel' standardisation, or 'none'. */
  normalization?: NormalizationKind;
  /** Training records held out for validation, chosen by a seeded permutation (default 0). */
  validationSize?: number;
}

export interface DataSets {
  train: DataSet;
  /** Null when `validationSize` is 0. */
  validation: DataSet | null;
  test: DataSet;
  normalization: Normalization;
  classNames: string[];
}

/**
 * Builds the three DataSets. Seeds: the validation records are the first `validationSize` of
 * `Rng(seed).permutation(N)`; train shuffles with `seed`, validation with seed + 1, test seed + 2.
 */
export function createDataSets(data: LabelledData, options: DataSetsOptions = {}): DataSets {
  const { normalization: kind = 'mean-image', validationSize = 0, seed = 42, ...rest } = options;
  const n = data.train.length;
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= n) {
    throw new Error(`createDataSets: validationSize must be an integer in [0, ${n - 1}], got ${validationSize}`);
  }
  const normalization = fitNormalization(data.train, kind);
  const common = { ...rest, normalization, numClasses: data.classNames.length };
  let trainIndices: Int32Array | undefined;
  let validation: DataSet | null = null;
  if (validationSize > 0) {
    const perm = new Rng(seed).permutation(n);
    validation = new DataSet(data.train, { ...common, seed: seed + 1, indices: perm.subarray(0, validationSize) });
    trainIndices = perm.subarray(validationSize);
  }
  return {
    train: new DataSet(data.train, { ...common, seed, indices: trainIndices }),
    validation,
    test: new DataSet(data.test, { ...common, seed: seed + 2 }),
    normalization,
    classNames: data.classNames,
  };
}
