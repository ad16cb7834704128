// A model file back into the page: the page's own "Model (.safetensors)" download or a CLI run
// folder's model.safetensors (PyTorch names and layouts, metadata `preset` and `step`). The weights
// go into the model the page's settings describe — the file names a preset, but the CLI's does not
// record the hidden sizes — so a file of another preset or other shapes is refused with the
// tensor, the expected and the actual shape (and the file's own preset when it says one).
import type { LabelledData } from '@backprop/data';
import { decodeSafetensors } from '@backprop/layers';
import { buildModel, evaluate, makeRunData, type TensorMap, type TrainableModel, type TrainConfig } from '@backprop/train';
import type { ModelEvaluation, RunSettings } from '../protocol.js';
import { sessionConfig } from './session-config.js';

/** The file's tensors and metadata, checked to be finite; errors start with the file name. */
export function readModelFile(bytes: Uint8Array, fileName: string): { tensors: TensorMap; metadata: Record<string, string> } {
  let file: ReturnType<typeof decodeSafetensors>;
  try {
    file = decodeSafetensors(bytes);
  } catch (err) {
    throw new Error(`${fileName} is not a safetensors model file: ${(err as Error).message}`);
  }
  for (const [name, t] of file.tensors) {
    if (t.dtype !== 'F32') continue;
    const bad = (t.data as Float32Array).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${fileName}: ${name}[${bad}] is ${(t.data as Float32Array)[bad]}; a model with non-finite weights cannot be evaluated or trained on`);
  }
  return { tensors: file.tensors, metadata: file.metadata };
}

/** A fresh model of `config` holding the file's weights; throws (and frees it) when they do not fit. */
export function modelFromFile(config: TrainConfig, shape: { recordShape: [number, number, number]; nClasses: number }, file: { tensors: TensorMap; metadata: Record<string, string> }, fileName: string): TrainableModel {
  const model = buildModel(config, shape);
  try {
    model.loadStateDict(file.tensors);
    return model;
  } catch (err) {
    model.dispose();
    const filePreset = file.metadata.preset;
    const other = filePreset != null && filePreset !== config.preset ? ` (the file is of preset '${filePreset}')` : '';
    throw new Error(`${fileName} does not fit the ${config.preset} model of these settings${other}: ${(err as Error).message}`);
  }
}

/** Loads the file into the settings' model and evaluates it on the whole test set, as a run's evaluation does. */
export function evaluateModelFile(bytes: Uint8Array, fileName: string, settings: RunSettings, data: LabelledData): ModelEvaluation {
  const file = readModelFile(bytes, fileName);
  const config = sessionConfig(settings);
  const runData = makeRunData(data, config);
  const model = modelFromFile(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length }, file, fileName);
  try {
    const r = evaluate(model, runData.test, config.evalBatchSize);
    const step = Number(file.metadata.step);
    return { fileName, preset: config.preset, step: file.metadata.step != null && Number.isInteger(step) ? step : null, testAccuracy: r.accuracy, testLoss: r.loss, examples: r.examples };
  } finally {
    model.dispose();
  }
}
