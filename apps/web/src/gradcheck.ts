// The gradient-check page: each hand-derived module's derivation (typeset with KaTeX) beside a live
// check of its backward pass on seeded random inputs, run in a worker. A new seed draws new inputs.
import type { GradCheckRow } from '@backprop/manual';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { DERIVATIONS, derivationKey } from './gradcheck/derivations.js';
import type { GradcheckMessage } from './gradcheck/gradcheck-worker.js';
import { verdict } from './gradcheck/verdict.js';
import { byId, el } from './ui/dom.js';
import './style.css';

const cards = new Map<string, HTMLTableSectionElement>();
const seedInput = byId<HTMLInputElement>('seed');
const runButton = byId<HTMLButtonElement>('run');
let worker: Worker | null = null;
let failures = 0;
let total = 0;

function buildCards(): void {
  const container = byId('modules');
  for (const [key, d] of Object.entries(DERIVATIONS)) {
    const card = el('article', { class: 'module', id: `module-${key}` });
    const left = el('div', { class: 'derivation' });
    left.append(el('h2', {}, d.title), el('p', { class: 'muted' }, d.source));
    for (const tex of d.tex) {
      const block = el('div', { class: 'equation' });
      katex.render(tex, block, { displayMode: true, throwOnError: false });
      left.append(block);
    }
    if (d.note) left.append(el('p', { class: 'muted' }, d.note));
    const table = el('table', { class: 'checks' });
    const head = el('tr');
    for (const h of ['module', 'gradient', 'check', 'cases', 'max error', 'pass rule', '']) head.append(el('th', {}, h));
    const body = el('tbody');
    table.append(el('thead'), body);
    table.tHead!.append(head);
    const right = el('div', { class: 'live' });
    right.append(table);
    card.append(left, right);
    container.append(card);
    cards.set(key, body);
  }
}

function addRows(rows: GradCheckRow[]): void {
  for (const r of rows) {
    const body = cards.get(derivationKey(r.module));
    if (!body) continue;
    const tr = el('tr', { class: r.pass ? 'pass' : 'fail' });
    tr.append(
      el('td', {}, r.module),
      // float64 rows name the variable (x, weight); float32 rows name the compared array (y, dx, dweight).
      el('td', {}, r.check.startsWith('float32') ? r.name : `∂L/∂${r.name}`),
      el('td', {}, `${r.check}${r.original ? ' (original)' : ''}`),
      el('td', { class: 'num' }, String(r.cases)),
      el('td', { class: 'num' }, r.maxRelError.toExponential(2)),
      el('td', {}, r.nearZero ? `${r.tolerance} (${r.nearZero} entr${r.nearZero === 1 ? 'y' : 'ies'} judged near 0)` : r.tolerance),
      el('td', {}, r.pass ? '✓' : '✗'),
    );
    body.append(tr);
    total++;
    if (!r.pass) failures++;
  }
  showSummary('so far …');
}

/** The verdict line (./gradcheck/verdict.ts): red, naming the failures, as soon as one row fails. */
function showSummary(detail: string): void {
  const summary = byId('summary');
  const v = verdict(total, failures, detail);
  summary.textContent = v.text;
  summary.classList.toggle('failing', v.failing);
  summary.dataset.failures = String(failures);
}

function run(): void {
  worker?.terminate();
  for (const body of cards.values()) body.replaceChildren();
  failures = total = 0;
  runButton.disabled = true;
  const summary = byId('summary');
  summary.classList.remove('failing');
  for (const card of document.querySelectorAll('.module.has-failures')) card.classList.remove('has-failures');
  history.replaceState(null, '', `?seed=${Number(seedInput.value) || 0}`);
  summary.textContent = 'running …';
  delete summary.dataset.done;
  worker = new Worker(new URL('./gradcheck/gradcheck-worker.ts', import.meta.url), { type: 'module', name: 'backprop-gradcheck' });
  worker.addEventListener('message', (e: MessageEvent<GradcheckMessage>) => {
    const m = e.data;
    if (m.type === 'backend') byId('backend').textContent = `${m.backend}${m.simd ? ' · SIMD' : ''} · float64 checks in JS`;
    else if (m.type === 'rows') addRows(m.rows);
    else if (m.type === 'done') {
      showSummary(`(seed ${seedInput.value}, ${(m.ms / 1000).toFixed(1)} s)`);
      Object.assign(summary.dataset, { done: 'true', total: String(total), failures: String(failures) });
      // The first failing row in view: a red verdict should lead somewhere.
      if (failures > 0) document.querySelector('tr.fail')?.closest('.module')?.classList.add('has-failures');
      runButton.disabled = false;
    } else {
      summary.textContent = `error: ${m.message}`;
      summary.classList.add('failing');
      runButton.disabled = false;
    }
  });
  worker.postMessage({ seed: Number(seedInput.value) || 0 });
}

buildCards();
// `?seed=N` reproduces a shared check.
const seedParam = new URLSearchParams(location.search).get('seed');
if (seedParam != null && Number.isInteger(Number(seedParam))) seedInput.value = seedParam;
runButton.addEventListener('click', run);
byId('new-seed').addEventListener('click', () => {
  seedInput.value = String(Math.floor(Math.random() * 1e6));
  run();
});
run();
