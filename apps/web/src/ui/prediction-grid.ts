// A grid of fixed test images, each with the model's predicted class (and its probability) over
// the true one; a wrong guess is marked red.
import type { SampleImages } from '../protocol.js';
import { el, pixelCanvas } from './dom.js';
import { chwToRgba } from './images.js';

export class PredictionGrid {
  private cells: { label: HTMLElement; cell: HTMLElement; top3: HTMLElement }[] = [];
  private classNames: string[] = [];
  private labels: Uint8Array = new Uint8Array(0);

  constructor(private readonly container: HTMLElement) {}

  setImages(samples: SampleImages, classNames: string[]): void {
    this.container.replaceChildren();
    const [c, h, w] = samples.shape;
    this.cells = [];
    for (let i = 0; i < samples.count; i++) {
      const cell = el('figure', { class: 'sample' });
      cell.append(pixelCanvas(chwToRgba(samples.images, i * c * h * w, samples.shape), w, h, 2));
      const label = el('figcaption', {}, '—');
      const truth = el('div', { class: 'truth' }, classNames[samples.labels[i]!] ?? String(samples.labels[i]));
      const top3 = el('ol', { class: 'top3' });
      cell.append(label, truth, top3);
      this.container.append(cell);
      this.cells.push({ label, cell, top3 });
    }
    this.classNames = classNames;
    this.labels = samples.labels;
  }

  /** Returns how many of the shown images the model gets right. `top3`: [count × 3] classes and probabilities. */
  setPredictions(predicted: Uint8Array, confidence: Float32Array, top3?: { classes: Uint8Array; probs: Float32Array }): number {
    let right = 0;
    this.cells.forEach(({ label, cell, top3: list }, i) => {
      const p = predicted[i]!;
      const ok = p === this.labels[i];
      if (ok) right++;
      label.textContent = `${this.classNames[p] ?? p} ${Math.round(100 * confidence[i]!)}%`;
      cell.classList.toggle('right', ok);
      cell.classList.toggle('wrong', !ok);
      list.replaceChildren();
      if (top3) {
        for (let r = 0; r < 3; r++) {
          const k = top3.classes[i * 3 + r]!;
          list.append(el('li', { class: k === this.labels[i] ? 'truth-class' : '' }, `${this.classNames[k] ?? k} ${(100 * top3.probs[i * 3 + r]!).toFixed(0)}%`));
        }
      }
    });
    this.container.dataset.predicted = String(this.cells.length);
    this.container.dataset.right = String(right);
    return right;
  }

  /** Back to no predictions (a new run starts): the images stay, every caption says '—'. */
  clearPredictions(): void {
    for (const { label, cell, top3 } of this.cells) {
      label.textContent = '—';
      cell.classList.remove('right', 'wrong');
      top3.replaceChildren();
    }
    delete this.container.dataset.predicted;
    delete this.container.dataset.right;
  }
}
