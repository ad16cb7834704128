// The confusion matrix as a table: rows are true classes, columns predicted ones; each cell's
// shade is its share of the row (so every class reads on the same scale), the count is written in.
import { el } from './dom.js';

export function renderConfusion(container: HTMLElement, counts: Int32Array, classNames: string[], examples: number): void {
  const k = classNames.length;
  const table = el('table', { class: 'confusion' });
  const head = el('tr');
  head.append(el('th', { class: 'corner' }, 'true \\ predicted'));
  for (const name of classNames) head.append(el('th', { class: 'col' }, name));
  table.append(head);
  for (let r = 0; r < k; r++) {
    const row = el('tr');
    row.append(el('th', { class: 'row' }, classNames[r]!));
    let total = 0;
    for (let c = 0; c < k; c++) total += counts[r * k + c]!;
    for (let c = 0; c < k; c++) {
      const n = counts[r * k + c]!;
      const share = total > 0 ? n / total : 0;
      const cell = el('td', { title: `${classNames[r]} → ${classNames[c]}: ${n} of ${total}` }, String(n));
      const hue = r === c ? 145 : 8;
      cell.style.background = `hsl(${hue} 65% ${Math.round(97 - 55 * share)}%)`;
      if (share > 0.5) cell.style.color = 'white';
      row.append(cell);
    }
    table.append(row);
  }
  const caption = el('caption', {}, `${examples.toLocaleString('en')} test images`);
  table.prepend(caption);
  container.replaceChildren(table);
}
