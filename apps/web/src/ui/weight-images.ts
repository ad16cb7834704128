// The first layer's weights as images: the MLP's templates (one 32×32×3 image per hidden unit) or
// the CNN's first 3×3 filters, each scaled to its own range.
import type { FirstLayerWeights } from '../protocol.js';
import { pixelCanvas } from './dom.js';
import { weightTiles, weightsToRgba } from './images.js';

export function renderWeights(container: HTMLElement, weights: FirstLayerWeights, inputShape: readonly [number, number, number]): void {
  const { count, c, h, w } = weightTiles(weights.kind, weights.shape, inputShape);
  const size = c * h * w;
  const scale = weights.kind === 'conv' ? 8 : 1.5;
  const canvases: HTMLCanvasElement[] = [];
  for (let i = 0; i < count; i++) canvases.push(pixelCanvas(weightsToRgba(weights.data, i * size, c, h, w), w, h, scale, 'weight'));
  container.replaceChildren(...canvases);
  container.dataset.name = weights.name;
  container.dataset.count = String(count);
}
