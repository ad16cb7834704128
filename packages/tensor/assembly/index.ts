// Backprop's compute engine: the kernels exported to JS (packages/tensor/src/engine). Every
// address is a byte offset into the imported memory, which is tfjs-backend-wasm's own heap.
export { gemmScratchBytes } from './blocking';
export { gemm } from './gemm';
export { columnBlockSums, columnSums } from './reduce';
export { convForward, convFilterGradT, convFilterGradTChunks } from './conv';
export { maxPoolGrad } from './pool';
export { maxPoolGradScatter, maxPoolGradTiles } from './max-pool-grad';
export { maxPoolGradGather } from './max-pool-grad-gather';
export { maxPool } from './max-pool';
export { adamUpdate } from './adam';
export {
  batchNormGradBlocks, batchNormGradFromBlocks, batchNormInputGrad, batchNormMeanFromBlocks, batchNormNormalize, batchNormStatsBlocks,
  batchNormVarianceFromBlocks,
} from './batch-norm';
export {
  winogradFilterGradInverse, winogradFilterTransform, winogradGemms, winogradGradTransform, winogradInputTransform,
  winogradGemmsShared, winogradGradTransformShared, winogradInputTransformShared, winogradOutputTransform,
  winogradOutputTransformShared, winogradConvBlocks, winogradBlockWorkBytes,
} from './winograd';
export { sgdUpdate } from './sgd';
export { addSame, minMaxScalar, minMaxSame } from './elementwise';
export { reluGrad } from './relu-grad';
