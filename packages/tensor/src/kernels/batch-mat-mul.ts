// BatchMatMul, every transpose combination. On the engine (src/engine): one packed GEMM per batch
// item, reading the operands where they lie — a transpose is only a different pair of strides.
// Without the engine (switched off, or a backend started outside initBackend): the stock kernel
// only takes XNNPACK's fast GEMM when neither flag is set (with a flag it is ~10× slower), so the
// operands are transposed explicitly first (O(n²) against the GEMM's O(n³)).
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor, type Engine } from '../engine/engine.js';
import { gemm } from '../engine/engine-ops.js';
import { addressOf, free, run, transpose } from './wasm-ops.js';
import { shapeStr } from '../checks.js';
import { shapeSize } from '../checks.js';

const OP = 'BatchMatMul';

const swapLastTwo = (rank: number): number[] => {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
};


function xnnpackBatchMatMul(wasm: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  if (!transposeA && !transposeB) return run(wasm, OP, { a, b }, { transposeA, transposeB });
  const a2 = transposeA ? transpose(wasm, a, swapLastTwo(a.shape.length)) : a;
  const b2 = transposeB ? transpose(wasm, b, swapLastTwo(b.shape.length)) : b;
  const out = run(wasm, OP, { a: a2, b: b2 }, { transposeA: false, transposeB: false });
  if (transposeA) free(wasm, a2);
  if (transposeB) free(wasm, b2);
  return out;
}

function engineBatchMatMul(engine: Engine, wasm: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || rb < 2) return null;
  const [aRows, aCols] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [bRows, bCols] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) {
    throw new Error(`${OP}: inner dimensions of a ${shapeStr(a.shape)}${transposeA ? 'ᵀ' : ''} and b ${shapeStr(b.shape)}${transposeB ? 'ᵀ' : ''} must match, got ${k} and ${kb}`);
  }
  const outBatch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = shapeSize(outBatch);
  const batchA = shapeSize(a.shape.slice(0, -2));
  const batchB = shapeSize(b.shape.slice(0, -2));
  // Only whole-operand broadcasting (a batch of 1); anything finer goes to the stock kernel.
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  const out = wasm.makeOutput([...outBatch, m, n], 'float32');
  const aAddress = addressOf(wasm, a);
  const bAddress = addressOf(wasm, b);
  const cAddress = addressOf(wasm, out);
  // op(A)[i, p]: A[i, p] (row-major [m, k]) or A[p, i] (stored [k, m]); likewise op(B).
  const aStrides = transposeA ? { rowStride: 1, colStride: m } : { rowStride: k, colStride: 1 };
  const bStrides = transposeB ? { rowStride: 1, colStride: k } : { rowStride: n, colStride: 1 };
  for (let i = 0; i < batch; i++) {
    const aItem = batchA === 1 ? 0 : i;
    const bItem = batchB === 1 ? 0 : i;
    gemm(engine, m, n, k,
      { address: aAddress + 4 * aItem * m * k, ...aStrides },
      { address: bAddress + 4 * bItem * k * n, ...bStrides },
      cAddress + 4 * i * m * n, n);
  }
  return out;
}

const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const engine = engineFor(wasm);
  const out = engine != null ? engineBatchMatMul(engine, wasm, a, b, transposeA, transposeB) : null;
  return out ?? xnnpackBatchMatMul(wasm, a, b, transposeA, transposeB);
};

export const batchMatMulConfig: Omit<KernelConfig, 'setupFunc'> = {
  kernelName: OP,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
