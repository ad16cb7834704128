// Identity without a copy: the output shares the input's buffer and the buffer's reference count
// goes up (what tfjs-backend-cpu does; the stock WASM kernel copies). tfjs runs an Identity for
// every input and output of a custom-gradient op (each fused conv with bias, each BatchNorm), ~150
// a ConvNet step, each a full copy of an activation. Sharing is safe: tfjs tensors are immutable
// and no Backprop kernel writes into its inputs.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { run } from './wasm-ops.js';

interface DataRecord {
  refCount: number;
}

const identity: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const record = (wasm as unknown as { dataIdMap: { get(id: object): DataRecord | undefined } }).dataIdMap.get(x.dataId);
  if (x.dtype === 'string' || record == null || typeof record.refCount !== 'number') return run(wasm, 'Identity', inputs, attrs);
  record.refCount++;
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export const identityConfig: Omit<KernelConfig, 'setupFunc'> = { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity };
