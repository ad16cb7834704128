// Training speed, measured the same way in the browser worker and in Node (bench/steps.bench.ts):
// a preset's model on the real data, `warmup` steps (kernel set-up, first allocations) and then
// `steps` timed steps — forward, loss, backward, update, batch preparation included, no evaluation.
import type { LabelledData } from '@backprop/data';
import { tf } from '@backprop/tensor';
import { buildModel, makeRunData, presetConfig } from '@backprop/train';

export interface StepTiming {
  preset: string;
  description: string;
  steps: number;
  stepsPerSecond: number;
  /** Mean milliseconds per step. */
  msPerStep: number;
}

export function measureSteps(data: LabelledData, preset: string, steps: number, warmup = 3): StepTiming {
  const config = presetConfig(preset);
  const run = makeRunData(data, config);
  const model = buildModel(config, { recordShape: run.recordShape, nClasses: run.classNames.length });
  try {
    for (let i = 0; i < warmup; i++) model.trainStep(run.train.nextBatch(config.batchSize));
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) model.trainStep(run.train.nextBatch(config.batchSize));
    const ms = performance.now() - t0;
    if (tf.memory().numTensors !== before) throw new Error(`measureSteps: ${preset} leaked ${tf.memory().numTensors - before} tensors in ${steps} steps`);
    return { preset, description: model.description, steps, stepsPerSecond: (1000 * steps) / ms, msPerStep: ms / steps };
  } finally {
    model.dispose();
  }
}
