// The training page: data in, settings, controls, and the live views. All tensor work happens in
// the worker (worker/train-worker.ts); this thread only draws.
import type { MetricsHistory } from '@backprop/train';
import { PAUSE, RUN, RunControl, STOP } from './control.js';
import type { FromWorker, RunState, SampleImages, ToWorker } from './protocol.js';
import { Charts } from './ui/charts.js';
import { renderConfusion } from './ui/confusion-matrix.js';
import { byId } from './ui/dom.js';
import { download } from './ui/download.js';
import { PredictionGrid } from './ui/prediction-grid.js';
import { SettingsForm } from './ui/settings-form.js';
import { renderWeights } from './ui/weight-images.js';
import './style.css';

const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./worker/train-worker.ts', import.meta.url), { type: 'module', name: 'backprop-train' });
const send = (message: ToWorker) => worker.postMessage(message);

const form = new SettingsForm(params.get('preset') ?? undefined);
const charts = new Charts(byId('loss-chart'), byId('accuracy-chart'));
const grid = new PredictionGrid(byId('prediction-grid'));
const startButton = byId<HTMLButtonElement>('start');
const pauseButton = byId<HTMLButtonElement>('pause');
const stopButton = byId<HTMLButtonElement>('stop');
const fileInput = byId<HTMLInputElement>('data-file');
const dropZone = byId('drop-zone');

let metrics: MetricsHistory = { train: [], eval: [] };
let control: RunControl | null = null;
let state: RunState = 'idle';
let samples: SampleImages | null = null;
let classNames: string[] = [];

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function setState(next: RunState): void {
  state = next;
  byId('run-state').textContent = next;
  document.body.dataset.state = next;
  const running = next === 'running' || next === 'paused' || next === 'stopping';
  startButton.disabled = running || !samples;
  pauseButton.disabled = !running || !control || next === 'stopping';
  pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
  stopButton.disabled = !running || next === 'stopping';
  fileInput.disabled = running || next === 'loading';
  form.setRunning(running);
  for (const id of ['download-model', 'download-metrics']) byId<HTMLButtonElement>(id).disabled = metrics.train.length === 0;
}

function showError(message: string): void {
  const box = byId('error');
  box.textContent = message;
  box.hidden = false;
}

function loadFile(file: File): void {
  byId('error').hidden = true;
  byId('data-status').textContent = `reading ${file.name} …`;
  send({ type: 'load-data', source: { kind: 'file', file } });
}

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'backend': {
      const r = m.report;
      const b = byId('backend');
      const engine = r.engine == null ? '' : r.engine.math === 'fma' ? ' · engine: relaxed-SIMD FMA' : ' · engine: mul+add (no relaxed SIMD)';
      b.textContent = `${r.backend}${r.simd ? ' · SIMD' : ''}${engine} · ${r.threads} thread${r.threads === 1 ? '' : 's'}${r.crossOriginIsolated ? '' : ' · not cross-origin isolated'}`;
      Object.assign(b.dataset, { backend: r.backend, simd: String(r.simd), threads: String(r.threads), isolated: String(r.crossOriginIsolated), engine: r.engine?.math ?? 'off' });
      break;
    }
    case 'data-progress': {
      const bar = byId<HTMLProgressElement>('data-progress');
      bar.hidden = false;
      if (m.total) {
        bar.max = m.total;
        bar.value = m.loaded;
      }
      byId('data-status').textContent = `reading … ${(m.loaded / 2 ** 20).toFixed(0)}${m.total ? ` / ${(m.total / 2 ** 20).toFixed(0)}` : ''} MiB`;
      break;
    }
    case 'data-ready':
      samples = m.samples;
      classNames = m.classNames;
      byId<HTMLProgressElement>('data-progress').hidden = true;
      byId('data-status').textContent = `CIFAR-10: ${m.trainSize.toLocaleString('en')} train / ${m.testSize.toLocaleString('en')} test images (read in ${(m.loadMs / 1000).toFixed(1)} s)`;
      byId('data-status').dataset.ready = 'true';
      grid.setImages(m.samples, m.classNames);
      break;
    case 'run-start':
      byId('description').textContent = `${m.description} · ${m.numParameters.toLocaleString('en')} parameters`;
      break;
    case 'steps': {
      metrics.train.push(...m.points);
      const last = m.points.at(-1);
      byId('step').textContent = `${m.step} / ${m.maxSteps}`;
      byId('epoch').textContent = String(m.epoch);
      byId('loss').textContent = last ? fmt(last.loss) : '—';
      const sps = byId('steps-per-second');
      sps.textContent = m.stepsPerSecond.toFixed(2);
      sps.dataset.value = String(m.stepsPerSecond);
      byId('elapsed').textContent = `${(m.elapsedMs / 1000).toFixed(1)} s`;
      byId('current-lr').textContent = String(m.learningRate);
      byId<HTMLProgressElement>('run-progress').value = m.step / m.maxSteps;
      charts.update(metrics, { evalChanged: false });
      break;
    }
    case 'eval': {
      metrics.eval.push({ step: m.step, testLoss: m.testLoss, testAccuracy: m.testAccuracy, trainLoss: m.trainLoss });
      const acc = byId('test-accuracy');
      acc.textContent = `${(100 * m.testAccuracy).toFixed(2)}% (step ${m.step})`;
      acc.dataset.value = String(m.testAccuracy);
      acc.dataset.step = String(m.step);
      charts.update(metrics, { evalChanged: true });
      grid.setPredictions(m.samplePredictions, m.sampleConfidence);
      renderConfusion(byId('confusion'), m.confusion, classNames, m.confusionExamples);
      if (m.weights && samples) {
        renderWeights(byId('weights'), m.weights, samples.shape);
        byId('weights-title').textContent = `First-layer weights (${m.weights.name}, [${m.weights.shape.join(', ')}])`;
      }
      break;
    }
    case 'state':
      setState(m.state);
      break;
    case 'done': {
      const done = byId('done');
      done.textContent =
        m.reason === 'diverged'
          ? `diverged at step ${m.step}: ${m.detail ?? 'NaN or infinite values'} — training stopped; try a lower learning rate${m.testAccuracy != null ? ` (last test accuracy ${(100 * m.testAccuracy).toFixed(2)}%)` : ''}`
          : `${m.reason} at step ${m.step}${m.testAccuracy != null ? `: test accuracy ${(100 * m.testAccuracy).toFixed(2)}%` : ''} in ${(m.elapsedMs / 1000).toFixed(1)} s`;
      Object.assign(done.dataset, { reason: m.reason, step: String(m.step), accuracy: String(m.testAccuracy ?? '') });
      control = null;
      break;
    }
    case 'file':
      download(m.name, m.mime, m.bytes as Uint8Array<ArrayBuffer>);
      break;
    case 'measured':
      measured?.(m);
      break;
    case 'error':
      if (measured) measureFailed?.(new Error(m.message));
      showError(m.message);
      if (state === 'loading') setState('idle');
      break;
  }
});
worker.addEventListener('error', (e) => showError(`worker: ${e.message}`));

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) loadFile(file);
});
dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file && state !== 'running' && state !== 'paused') loadFile(file);
});

startButton.addEventListener('click', () => {
  byId('error').hidden = true;
  let settings;
  try {
    settings = form.read();
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  metrics = { train: [], eval: [] };
  byId('done').textContent = '';
  delete byId('done').dataset.reason;
  const acc = byId('test-accuracy');
  acc.textContent = '—';
  delete acc.dataset.value;
  control = self.crossOriginIsolated ? new RunControl() : null;
  send({ type: 'start', settings, control: control?.buffer ?? null });
});
pauseButton.addEventListener('click', () => {
  if (!control) return;
  control.set(state === 'paused' ? RUN : PAUSE);
});
stopButton.addEventListener('click', () => {
  control?.set(STOP);
  send({ type: 'stop' });
  setState('stopping');
});
form.learningRateInput.addEventListener('change', () => {
  if (state !== 'running' && state !== 'paused') return;
  const lr = Number(form.learningRateInput.value);
  if (!(lr > 0) || !Number.isFinite(lr)) {
    showError(`learning rate must be a positive number, got '${form.learningRateInput.value}'`);
    return;
  }
  send({ type: 'set-lr', learningRate: lr });
});
byId('download-model').addEventListener('click', () => send({ type: 'export', what: 'model' }));
byId('download-metrics').addEventListener('click', () => send({ type: 'export', what: 'metrics' }));

// For bench/steps.bench.ts: `await backpropMeasure('cnn', 20)` times training steps in the worker.
let measured: ((m: Extract<FromWorker, { type: 'measured' }>) => void) | null = null;
let measureFailed: ((err: Error) => void) | null = null;
Object.assign(self, {
  backpropMeasure: (preset: string, steps: number, warmup = 3) =>
    new Promise((resolve, reject) => {
      measured = (m) => {
        measured = measureFailed = null;
        resolve({ ...m.timing, threads: m.threads });
      };
      measureFailed = (err) => {
        measured = measureFailed = null;
        reject(err);
      };
      send({ type: 'measure', preset, steps, warmup });
    }),
});

setState('idle');
// `?threads=N` asks for N WASM threads (default: every logical core).
const threads = Number(params.get('threads') ?? navigator.hardwareConcurrency) || 1;
send({ type: 'init', threads });
const dataUrl = params.get('data');
if (dataUrl) {
  byId('data-status').textContent = `fetching ${dataUrl} …`;
  send({ type: 'load-data', source: { kind: 'url', url: dataUrl } });
}
