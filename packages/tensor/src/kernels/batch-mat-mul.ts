// BatchMatMul with transpose flags. The stock WASM kernel only takes XNNPACK's fast GEMM when
// neither flag is set; with a flag it is ~10× slower. Autograd of every matMul sets the flags,
// so training hits the slow path on every step. A transpose is O(n²) against the GEMM's O(n³):
// transpose explicitly, then call the stock kernel without flags.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, run, transpose } from './wasm-ops.js';

const swapLastTwo = (rank: number): number[] => {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
};

const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return run(wasm, 'BatchMatMul', { a, b }, attrs);
  const a2 = transposeA ? transpose(wasm, a, swapLastTwo(a.shape.length)) : a;
  const b2 = transposeB ? transpose(wasm, b, swapLastTwo(b.shape.length)) : b;
  const out = run(wasm, 'BatchMatMul', { a: a2, b: b2 }, { transposeA: false, transposeB: false });
  if (transposeA) free(wasm, a2);
  if (transposeB) free(wasm, b2);
  return out;
};

export const batchMatMulConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
