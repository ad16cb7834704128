// The test images of one confusion-matrix cell ("true cat, predicted dog"), each with the model's
// three most probable classes. Says which evaluation the cell is from and which step's model gave
// the probabilities, when they differ.
import type { GalleryItem } from '../protocol.js';
import { el, pixelCanvas } from './dom.js';
import { chwToRgba } from './images.js';

export interface GalleryData {
  trueClass: number;
  predictedClass: number;
  evalStep: number;
  modelStep: number;
  total: number;
  items: GalleryItem[];
}

export function renderGallery(container: HTMLElement, g: GalleryData, classNames: string[], shape: [number, number, number]): void {
  const name = (i: number) => classNames[i] ?? String(i);
  const right = g.trueClass === g.predictedClass;
  const title = el('h3', {}, `${right ? 'Correct' : 'Misclassified'}: true ${name(g.trueClass)}, predicted ${name(g.predictedClass)} — ${g.total.toLocaleString('en')} test image${g.total === 1 ? '' : 's'}${g.items.length < g.total ? `, first ${g.items.length} shown` : ''}`);
  const note = el(
    'p',
    { class: 'muted' },
    g.modelStep === g.evalStep
      ? `Evaluation and probabilities at step ${g.evalStep}.`
      : `Cell from the evaluation at step ${g.evalStep}; top-3 probabilities from the model at step ${g.modelStep}.`,
  );
  const grid = el('div', { class: 'grid gallery-grid' });
  const [c, h, w] = shape;
  for (const item of g.items) {
    const fig = el('figure', { class: `sample ${right ? 'right' : 'wrong'}`, 'data-index': String(item.index) });
    fig.append(pixelCanvas(chwToRgba(item.image, 0, [c, h, w]), w, h, 2));
    const list = el('ol', { class: 'top3' });
    item.top3.classes.forEach((k, j) => list.append(el('li', {}, `${name(k)} ${(100 * item.top3.probs[j]!).toFixed(0)}%`)));
    fig.append(list);
    grid.append(fig);
  }
  const close = el('button', { class: 'close', title: 'close the gallery' }, 'Close');
  close.addEventListener('click', () => {
    container.replaceChildren();
    container.hidden = true;
  });
  container.replaceChildren(close, title, note, grid);
  container.hidden = false;
  Object.assign(container.dataset, { trueClass: String(g.trueClass), predictedClass: String(g.predictedClass), count: String(g.items.length), total: String(g.total) });
}
