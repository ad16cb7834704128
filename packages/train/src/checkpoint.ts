// A checkpoint is one safetensors file: the model's tensors under `model.<name>`, the optimizer's
// under `optimizer.<name>`, and in the metadata the step, the config, the metrics so far and the
// elapsed time. One file, so that writing it (temp file, then rename) is atomic as a whole.
// The metadata also records what `--resume` must check before it continues: a CRC-32 of all the
// tensor bytes (a flipped bit or NaN written over a weight is refused, not trained on) and the
// SHA-256 of the data the run trains on (resuming on other data is refused).
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@backprop/layers';
import type { TrainConfig } from './config.js';
import { crc32, crc32Hex } from './crc32.js';
import { metricsFromJson, metricsToJson, type MetricsHistory } from './metrics.js';
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
  /** SHA-256 (hex) of the data the run trains on (see `dataSha256` in ./node), when known. */
  dataSha256?: string;
}

/** The error `decodeCheckpoint` throws for a damaged file (checksum or structure). */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, t] of c.model) tensors.set(`model.${name}`, t);
  for (const [name, t] of c.optimizer) tensors.set(`optimizer.${name}`, t);
  // The data section of a safetensors file is the tensors' bytes in order, so this CRC is that of
  // everything after the header; decodeCheckpoint recomputes it from the file's bytes.
  let crc = 0;
  for (const t of tensors.values()) crc = crc32(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), crc);
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    step: String(c.step),
    elapsed_ms: String(c.elapsedMs),
    config: JSON.stringify(c.config),
    metrics: metricsToJson(c.metrics),
    tensors_crc32: crc32Hex(crc),
    ...(c.dataSha256 ? { data_sha256: c.dataSha256 } : {}),
  });
}

/**
 * Reads a checkpoint, checking the CRC-32 of its tensor bytes (files written before the checksum
 * existed have none and are read unchecked). `file` names it in errors.
 */
export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (err) {
    throw new CheckpointError(`${file} is damaged: ${(err as Error).message.replace(/^decodeSafetensors: /, '')}`);
  }
  const { tensors, metadata } = decoded;
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`decodeCheckpoint: not a Backprop checkpoint (metadata.format is '${metadata.format ?? '(none)'}', expected '${CHECKPOINT_FORMAT}')`);
  }
  if (metadata.tensors_crc32 != null) {
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    const actual = crc32Hex(crc32(bytes.subarray(8 + headerLength)));
    if (actual !== metadata.tensors_crc32) {
      throw new CheckpointError(
        `${file} is damaged: its tensor bytes fail their checksum (CRC-32 ${actual}, recorded ${metadata.tensors_crc32}); the weights were altered after they were saved, so the run cannot continue from it`,
      );
    }
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
    metrics: metricsFromJson(metadata.metrics ?? '{"train":[],"eval":[]}'),
    model,
    optimizer,
    ...(metadata.data_sha256 ? { dataSha256: metadata.data_sha256 } : {}),
  };
}
