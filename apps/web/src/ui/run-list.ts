// The stored runs (IndexedDB, ../store/run-store.ts): one row per run with its status, steps and
// accuracies; tick runs to overlay their curves; continue one from its checkpoint; download its
// checkpoint, final or best model; delete it.
import type { RunRecord } from '../store/run-store.js';
import { el } from './dom.js';
import { formatDuration } from './format.js';

export interface RunListActions {
  compare(ids: string[]): void;
  resume(id: string): void;
  download(id: string, kind: 'checkpoint' | 'final-model' | 'best-model'): void;
  remove(id: string): void;
}

const pct = (x: number | null) => (x == null ? '—' : `${(100 * x).toFixed(2)}%`);

export function renderRunList(container: HTMLElement, runs: RunRecord[], currentId: string | null, selected: ReadonlySet<string>, actions: RunListActions): void {
  if (runs.length === 0) {
    container.replaceChildren(el('p', { class: 'muted' }, 'No runs yet. Every run you start is kept here (in this browser), with its curves and checkpoint, so a reload loses nothing.'));
    return;
  }
  const table = el('table', { class: 'runs' });
  const head = el('tr');
  for (const h of ['', 'run', 'status', 'step', 'final acc.', 'best acc.', 'time', '']) head.append(el('th', {}, h));
  table.append(head);
  for (const r of [...runs].reverse()) {
    const row = el('tr', { 'data-run': r.id, 'data-status': r.status, class: r.id === currentId ? 'current' : '' });
    const tick = el('input', { type: 'checkbox', title: 'overlay this run’s curves', 'aria-label': `compare ${r.name}` });
    tick.checked = selected.has(r.id);
    tick.addEventListener('change', () => {
      const next = new Set(selected);
      if (tick.checked) next.add(r.id);
      else next.delete(r.id);
      actions.compare([...next]);
    });
    const status = el('span', { class: `run-status ${r.status}` }, r.status === 'interrupted' ? 'interrupted (reload)' : r.status);
    if (r.detail) status.title = r.detail;
    const lrNote = r.lrChanges.length ? ` · lr changed ${r.lrChanges.length}×` : '';
    const name = el('td', { class: 'name' });
    name.append(el('b', {}, r.name), el('div', { class: 'muted small' }, `${r.config?.preset ?? r.settings.preset}${r.origin === 'file' ? ` · from ${r.fileName ?? 'a file'}` : ''}${lrNote}`));
    const buttons = el('td', { class: 'actions' });
    const button = (label: string, title: string, onClick: () => void, disabled = false) => {
      const b = el('button', { title, 'data-action': label.toLowerCase().replace(/\W+/g, '-') }, label);
      b.disabled = disabled;
      b.addEventListener('click', onClick);
      buttons.append(b);
    };
    const live = r.id === currentId && r.status === 'running';
    button('Continue', 'continue training from the stored checkpoint', () => actions.resume(r.id), live || r.checkpointStep == null);
    button('Checkpoint', 'download the checkpoint (resumable here and with backprop train --resume)', () => actions.download(r.id, 'checkpoint'), r.checkpointStep == null);
    button('Best', 'download the model of the best evaluation', () => actions.download(r.id, 'best-model'), r.bestStep == null || r.origin === 'file');
    button('Delete', 'delete this run and its files from the browser', () => actions.remove(r.id), live);
    const checkCell = el('td');
    checkCell.append(tick);
    const stepCell = el('td', { class: 'num' }, `${r.step} / ${r.maxSteps}`);
    if (r.checkpointStep != null && r.checkpointStep !== r.step) stepCell.title = `checkpoint at step ${r.checkpointStep}`;
    row.append(
      checkCell,
      name,
      el('td', {}, ''),
      stepCell,
      el('td', { class: 'num final-accuracy' }, pct(r.finalAccuracy)),
      el('td', { class: 'num' }, r.bestAccuracy == null ? '—' : `${pct(r.bestAccuracy)} @${r.bestStep}`),
      el('td', { class: 'num' }, formatDuration(r.elapsedMs)),
      buttons,
    );
    row.children[2]!.append(status);
    table.append(row);
  }
  const box = el('div', { class: 'table-box' });
  box.append(table);
  container.replaceChildren(box);
}
