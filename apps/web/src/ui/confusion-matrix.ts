// The confusion matrix as a table: rows are true classes, columns predicted ones; each cell's
// shade is its share of the row (so every class reads on the same scale), the count is written in.
// A cell is a button: it opens the gallery of those test images (`onPick`).
import { el } from './dom.js';

export function renderConfusion(
  container: HTMLElement,
  counts: Int32Array,
  classNames: string[],
  examples: number,
  step: number,
  onPick: (trueClass: number, predictedClass: number) => void,
): void {
  const k = classNames.length;
  const table = el('table', { class: 'confusion' });
  const head = el('tr');
  head.append(el('th', { class: 'corner' }, 'true \\ pred.'));
  for (const name of classNames) head.append(el('th', { class: 'col', title: name }, name));
  table.append(head);
  for (let r = 0; r < k; r++) {
    const row = el('tr');
    row.append(el('th', { class: 'row', title: classNames[r]! }, classNames[r]!));
    let total = 0;
    for (let c = 0; c < k; c++) total += counts[r * k + c]!;
    for (let c = 0; c < k; c++) {
      const n = counts[r * k + c]!;
      const share = total > 0 ? n / total : 0;
      const cell = el('td', { title: `${classNames[r]} → ${classNames[c]}: ${n} of ${total} (click for the images)`, 'data-true': String(r), 'data-pred': String(c), tabindex: '0', role: 'button' }, String(n));
      const hue = r === c ? 145 : 8;
      cell.style.background = `hsl(${hue} 65% ${Math.round(97 - 55 * share)}%)`;
      if (share > 0.5) cell.style.color = 'white';
      if (n > 0) {
        cell.classList.add('pickable');
        cell.addEventListener('click', () => onPick(r, c));
        cell.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') onPick(r, c);
        });
      }
      row.append(cell);
    }
    table.append(row);
  }
  const caption = el('caption', {}, `${examples.toLocaleString('en')} test images, evaluation at step ${step}; click a cell to see its images`);
  table.prepend(caption);
  const scroller = el('div', { class: 'confusion-box' });
  scroller.append(table);
  container.replaceChildren(scroller);
  container.dataset.step = String(step);
}
