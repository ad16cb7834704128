// BackpropSgdUpdate: one SGD step of one parameter as a single pass (assembly/sgd.ts), bit-
// identical to the op-by-op update of @backprop/layers' SGD (torch.optim.SGD's rule) and of the
// manual SGD. Inputs param, grad and, from the second momentum step on, buf; outputs [param'] or,
// with momentum, [param', buf'] (new tensors: the caller assigns them).
// WASM with the engine only; ops/sgd-update.ts returns null elsewhere and the caller runs tfjs ops.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { engineFor } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import { addressOf } from './wasm-ops.js';
import { shapeSize, shapeStr } from '../checks.js';

export const SGD_UPDATE = 'BackpropSgdUpdate';

export interface SgdUpdateAttrs {
  lr: number;
  /** 0: no momentum buffer. */
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

// Bits of assembly/sgd.ts's `flags`.
const MAXIMIZE = 1;
const WEIGHT_DECAY = 2;
const MOMENTUM = 4;
const HAS_BUF = 8;
const NESTEROV = 16;

const sgdUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { param, grad, buf } = inputs as { param: TensorInfo; grad: TensorInfo; buf?: TensorInfo };
  const a = attrs as unknown as SgdUpdateAttrs;
  const engine = engineFor(wasm);
  if (engine == null) throw new Error(`${SGD_UPDATE}: needs Backprop's engine on the wasm backend`);
  if (param.dtype !== 'float32') throw new Error(`${SGD_UPDATE}: param must be float32, got ${param.dtype}`);
  const operands: Array<[string, TensorInfo]> = [['grad', grad]];
  if (buf != null) operands.push(['buf', buf]);
  for (const [name, t] of operands) {
    if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i]) || t.dtype !== 'float32') {
      throw new Error(`${SGD_UPDATE}: ${name} must be float32 ${shapeStr(param.shape)} like param, got ${t.dtype} ${shapeStr(t.shape)}`);
    }
  }
  if (buf != null && a.momentum === 0) throw new Error(`${SGD_UPDATE}: buf given but momentum is 0`);
  const flags = (a.maximize ? MAXIMIZE : 0) | (a.weightDecay !== 0 ? WEIGHT_DECAY : 0) | (a.momentum !== 0 ? MOMENTUM : 0) |
    (buf != null ? HAS_BUF : 0) | (a.nesterov ? NESTEROV : 0);
  const outParam = wasm.makeOutput([...param.shape], 'float32');
  const outBuf = a.momentum !== 0 ? wasm.makeOutput([...param.shape], 'float32') : null;
  const size = shapeSize(param.shape);
  const args = [
    addressOf(wasm, param), addressOf(wasm, grad), buf == null ? 0 : addressOf(wasm, buf),
    addressOf(wasm, outParam), outBuf == null ? 0 : addressOf(wasm, outBuf),
    a.weightDecay, a.momentum, 1 - a.dampening, -a.lr, flags,
  ];
  const threads = size < 1 << 16 ? 1 : engine.threads;
  engine.run('sgdUpdate', splitRange(size, threads, 4).map(([i0, i1]) => [...args, i0, i1]));
  return outBuf == null ? [outParam] : [outParam, outBuf];
};

export const sgdUpdateConfig: KernelConfig = { kernelName: SGD_UPDATE, backendName: 'wasm', kernelFunc: sgdUpdate };
