// What the web app needs from a model beyond @backprop/train's TrainableModel interface: class
// scores for the prediction grid and the confusion matrix, a learning rate that changes while
// training, and the first layer's weights. A model that offers `predict` / `setLearningRate` is used
// through them; for the two adapters @backprop/train ships, the fallbacks below go through their
// public parts (the module, the layers optimizer's setLearningRate, the manual SGD's lr).
import type { Batch } from '@backprop/data';
import { tf } from '@backprop/tensor';
import { LayersModel, ManualMlpModel, type TrainableModel } from '@backprop/train';
import type { FirstLayerWeights } from '../protocol.js';

interface Predicting {
  predict(batch: Batch): Float32Array;
}
interface RateSetting {
  setLearningRate(lr: number): void;
}

/** Class scores (logits) [N, K], row-major, in inference mode (BatchNorm on running statistics). */
export function predictScores(model: TrainableModel, batch: Batch): Float32Array {
  const m = model as TrainableModel & Partial<Predicting>;
  if (typeof m.predict === 'function') return m.predict(batch);
  const x = tf.tensor(batch.x, batch.xShape, 'float32');
  try {
    if (model instanceof ManualMlpModel) {
      const logits = model.mlp.logits(x);
      model.mlp.releaseCache();
      const out = logits.dataSync() as Float32Array;
      logits.dispose();
      return out;
    }
    if (model instanceof LayersModel) {
      model.module.eval();
      try {
        const logits = tf.tidy(() => model.module.forward(x));
        const out = logits.dataSync() as Float32Array;
        logits.dispose();
        return out;
      } finally {
        model.module.train();
      }
    }
  } finally {
    x.dispose();
  }
  throw new Error(`predictScores: model '${model.description}' has no predict(batch) and is not one of @backprop/train's adapters`);
}

/** Changes the optimizer's step size from the next step on. */
export function setLearningRate(model: TrainableModel, lr: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`setLearningRate: lr must be a positive finite number, got ${lr}`);
  const m = model as TrainableModel & Partial<RateSetting>;
  if (typeof m.setLearningRate === 'function') return m.setLearningRate(lr);
  if (model instanceof ManualMlpModel) {
    // @backprop/manual's SGD reads its public `lr` at every step.
    (model as unknown as { sgd: { lr: number } }).sgd.lr = lr;
    return;
  }
  if (model instanceof LayersModel) {
    model.optimizer.setLearningRate(lr); // @backprop/layers' Optimizer.setLearningRate
    return;
  }
  throw new Error(`setLearningRate: model '${model.description}' has no setLearningRate(lr) and is not one of @backprop/train's adapters`);
}

/** The first weight matrix or filter bank of the state dict (PyTorch names and layouts). */
export function firstLayerWeights(model: TrainableModel): FirstLayerWeights | null {
  for (const [name, t] of model.stateDict()) {
    if (!name.endsWith('weight') || t.dtype !== 'F32') continue;
    if (t.shape.length === 2) return { name, kind: 'dense', shape: [...t.shape], data: t.data as Float32Array };
    if (t.shape.length === 4) return { name, kind: 'conv', shape: [...t.shape], data: t.data as Float32Array };
  }
  return null;
}

/** Arg-max and its softmax probability per row of [N, K] scores. */
export function topClass(scores: Float32Array, k: number): { classes: Uint8Array; confidence: Float32Array } {
  const n = scores.length / k;
  const classes = new Uint8Array(n);
  const confidence = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (scores[i * k + j]! > scores[i * k + best]!) best = j;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(scores[i * k + j]! - scores[i * k + best]!);
    classes[i] = best;
    confidence[i] = 1 / sum;
  }
  return { classes, confidence };
}
