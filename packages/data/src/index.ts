// @backprop/data: CIFAR-10 and IDX data sets from the real files, a download cache, and seeded
// batching as the original assignment. Node-only parts (paths, the cache, downloads) import
// node: modules lazily inside functions, so a browser bundle of this entry loads fine.
export type { Split, LabelledData } from './split.js';
export { concatSplits } from './split.js';
export { DataFormatError, DownloadError } from './errors.js';
export type { ByteSource, ReadProgress } from './byte-source.js';
export { loadCifar10, CIFAR10_FILE_RECORDS, type LoadCifar10Options } from './cifar10.js';
export { activeTempFiles, isProcessAlive, removeStaleTempFiles, tempFileName, TEMP_FILE_PATTERN } from './temp-files.js';
export { CIFAR10_CLASS_NAMES, parseCifarBinary, parseCifarMeta } from './cifar-binary.js';
export { parseCifarPickle, parseCifarPickleMeta } from './cifar-pickle.js';
export { unpickle, type PyValue, type NdArray, type PyBytes } from './pickle.js';
export { TarReader, readTar, type TarMember } from './tar-reader.js';
export { readArchive } from './archive.js';
export { gunzip } from './gunzip.js';
export {
  loadIdx,
  readIdx,
  parseIdx,
  MNIST_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  type IdxArray,
  type IdxSources,
  type LoadIdxOptions,
} from './idx.js';
export { meanImage, channelStats, fitNormalization, type Normalization, type NormalizationKind } from './normalization.js';
export { DataSet, type Batch, type DataSetOptions, type Layout } from './dataset.js';
export { createDataSets, type DataSets, type DataSetsOptions } from './data-sets.js';
export { defaultCacheDir } from './cache-dir.js';
export {
  ensureCifar10,
  downloadFile,
  syncDir,
  md5OfFile,
  DEFAULT_STALL_TIMEOUT_MS,
  CIFAR10_DOWNLOADS,
  type EnsureCifar10Options,
  type DownloadOptions,
  type DownloadProgress,
} from './download.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export {
  compose,
  randomCrop,
  randomHorizontalFlip,
  normalize,
  type Transform,
  type TransformContext,
  type RandomCropOptions,
  type NormalizeOptions,
} from './transforms.js';
