// A checkpoint is one safetensors file: the model's tensors under `model.<name>`, the optimizer's
// under `optimizer.<name>`, and in the metadata the step, the config, the metrics so far and the
// elapsed time. One file, so that writing it (temp file, then rename) is atomic as a whole.
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@backprop/layers';
import type { TrainConfig } from './config.js';
import type { MetricsHistory } from './metrics.js';
import type { TensorMap } from './trainable-model.js';

export const CHECKPOINT_FORMAT = 'backprop-checkpoint-1';

export interface Checkpoint {
  /** Training steps done; the data stream resumes after `step` batches. */
  step: number;
  config: TrainConfig;
  metrics: MetricsHistory;
  /** Wall time spent so far (all sessions of the run). */
  elapsedMs: number;
  model: TensorMap;
  optimizer: TensorMap;
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, t] of c.model) tensors.set(`model.${name}`, t);
  for (const [name, t] of c.optimizer) tensors.set(`optimizer.${name}`, t);
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    step: String(c.step),
    elapsed_ms: String(c.elapsedMs),
    config: JSON.stringify(c.config),
    metrics: JSON.stringify(c.metrics),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`decodeCheckpoint: not a Backprop checkpoint (metadata.format is '${metadata.format ?? '(none)'}', expected '${CHECKPOINT_FORMAT}')`);
  }
  const model: TensorMap = new Map();
  const optimizer: TensorMap = new Map();
  for (const [key, t] of tensors) {
    if (key.startsWith('model.')) model.set(key.slice('model.'.length), t);
    else if (key.startsWith('optimizer.')) optimizer.set(key.slice('optimizer.'.length), t);
    else throw new Error(`decodeCheckpoint: unexpected tensor '${key}' (expected model.* or optimizer.*)`);
  }
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`decodeCheckpoint: metadata.step must be a non-negative integer, got '${metadata.step}'`);
  return {
    step,
    elapsedMs: Number(metadata.elapsed_ms ?? 0),
    config: JSON.parse(metadata.config ?? 'null') as TrainConfig,
    metrics: JSON.parse(metadata.metrics ?? '{"train":[],"eval":[]}') as MetricsHistory,
    model,
    optimizer,
  };
}
