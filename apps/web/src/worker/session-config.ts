// The config a page run trains with, from the form's settings (or a checkpoint's config when
// continuing one); shared by the run session and the model-file evaluation, so that both see the
// same model, data order and evaluation.
import { presetConfig, type Checkpoint, type TrainConfig } from '@backprop/train';
import type { RunSettings } from '../protocol.js';

/** Test images per evaluation chunk for the CNN in the page (the preset's 200 take seconds each). */
export const EVAL_CHUNK_CNN = 50;

/**
 * The preset with the form's values, or the checkpoint's config with the form's maxSteps and
 * evalFreq; the CNN's evaluation in small chunks so that Pause and Stop act between them (the chunk
 * size changes nothing but rounding: evaluate sums over chunks).
 */
export function sessionConfig(settings: RunSettings, resume?: Checkpoint): TrainConfig {
  const { preset, ...overrides } = settings;
  const config = resume ? { ...resume.config, maxSteps: overrides.maxSteps, evalFreq: overrides.evalFreq, evalAtStart: false } : presetConfig(preset, overrides);
  return { ...config, evalBatchSize: Math.min(config.evalBatchSize, config.model === 'cnn' ? EVAL_CHUNK_CNN : config.evalBatchSize) };
}
