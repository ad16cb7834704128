// What the web app reads from a model beyond training it: the first layer's weights for the weight
// images, and class probabilities (softmax of TrainableModel.predict's logits) for the prediction
// grid and the gallery.
import type { TrainableModel } from '@backprop/train';
import type { FirstLayerWeights } from '../protocol.js';

/** The first weight matrix or filter bank of the state dict (PyTorch names and layouts). */
export function firstLayerWeights(model: TrainableModel): FirstLayerWeights | null {
  for (const [name, t] of model.stateDict()) {
    if (!name.endsWith('weight') || t.dtype !== 'F32') continue;
    if (t.shape.length === 2) return { name, kind: 'dense', shape: [...t.shape], data: t.data as Float32Array };
    if (t.shape.length === 4) return { name, kind: 'conv', shape: [...t.shape], data: t.data as Float32Array };
  }
  return null;
}

/**
 * The `top` most probable classes of each row of [N, K] logits and their softmax probabilities,
 * most probable first: classes and probs are [N × top], row-major.
 */
export function softmaxTopK(scores: Float32Array, k: number, top: number): { classes: Uint8Array; probs: Float32Array } {
  if (!(Number.isInteger(k) && k > 0 && scores.length % k === 0)) throw new Error(`softmaxTopK: scores.length ${scores.length} is not a multiple of k = ${k}`);
  const t = Math.min(top, k);
  const n = scores.length / k;
  const classes = new Uint8Array(n * t);
  const probs = new Float32Array(n * t);
  const p = new Float64Array(k);
  const order = Array.from({ length: k }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, scores[i * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += p[j] = Math.exp(scores[i * k + j]! - max);
    for (let j = 0; j < k; j++) p[j]! /= sum;
    order.sort((a, b) => p[b]! - p[a]! || a - b);
    for (let r = 0; r < t; r++) {
      classes[i * t + r] = order[r]!;
      probs[i * t + r] = p[order[r]!]!;
    }
  }
  return { classes, probs };
}
