// The training page: data in, settings, controls, the live views, and the runs kept in IndexedDB.
// All tensor work happens in the worker (worker/train-worker.ts); this thread only draws.
//
// One source of truth per run: `current` holds the run the views show (its record, curves,
// learning-rate changes, statistics). Starting or continuing a run replaces it and clears every
// view first, so nothing of an earlier run is ever shown as the new one's.
import { cloneMetrics, type MetricsHistory, type StepStats } from '@backprop/train';
import { PAUSE, RUN, RunControl, STOP } from './control.js';
import { runSettingsOf, type CheckpointInfo, type FromWorker, type RunSettings, type RunState, type SampleImages, type ToWorker } from './protocol.js';
import { newRunId, RunStore, type RunFileKind, type RunRecord } from './store/run-store.js';
import { Charts, LiveChart } from './ui/charts.js';
import { renderConfusion } from './ui/confusion-matrix.js';
import { accuracySpec, lossSpec, type Series } from './ui/curve-spec.js';
import { byId } from './ui/dom.js';
import { download } from './ui/download.js';
import { formatDuration, formatEta, formatSpeed } from './ui/format.js';
import { renderGallery } from './ui/gallery.js';
import { renderLayerActivity } from './ui/layer-activity.js';
import { thinActivity } from './store/stored-activity.js';
import { renderLayerStats, type LayerStatsPoint } from './ui/layer-stats.js';
import { PredictionGrid } from './ui/prediction-grid.js';
import { renderRunList } from './ui/run-list.js';
import { SettingsForm } from './ui/settings-form.js';
import { readSettings, writeSettings } from './ui/url-settings.js';
import { renderWeights } from './ui/weight-images.js';
import './style.css';

const params = new URLSearchParams(location.search);
const worker = new Worker(new URL('./worker/train-worker.ts', import.meta.url), { type: 'module', name: 'backprop-train' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

const form = new SettingsForm(params.get('preset') ?? undefined);
const chartOptions = () => ({ smoothing: Number(byId<HTMLInputElement>('smoothing').value), log: byId<HTMLInputElement>('log-scale').checked });
const charts = new Charts(byId('loss-chart'), byId('accuracy-chart'), chartOptions);
const compareCharts = {
  loss: new LiveChart(byId('compare-loss'), lossSpec, 'Training loss (smoothed), compared', chartOptions, 300),
  accuracy: new LiveChart(byId('compare-accuracy'), accuracySpec, 'Test accuracy, compared', chartOptions, 300),
};
const grid = new PredictionGrid(byId('prediction-grid'));
const startButton = byId<HTMLButtonElement>('start');
const pauseButton = byId<HTMLButtonElement>('pause');
const stopButton = byId<HTMLButtonElement>('stop');
const fileInput = byId<HTMLInputElement>('data-file');
const checkpointInput = byId<HTMLInputElement>('checkpoint-file');
const modelInput = byId<HTMLInputElement>('model-file');
const dropZone = byId('drop-zone');
const downloadIds = ['download-model', 'download-checkpoint', 'download-metrics'] as const;

interface CurrentRun {
  record: RunRecord;
  metrics: MetricsHistory;
  layerStats: LayerStatsPoint[];
  /** Per-layer gradient and activation statistics of the observed training steps. */
  activity: StepStats[];
  /** The model file whose weights this run started from ("Train from these weights"). */
  fromWeights?: string;
  divergedAt: number | null;
  hasCheckpoint: boolean;
}

let current: CurrentRun | null = null;
let control: RunControl | null = null;
let state: RunState = 'idle';
let samples: SampleImages | null = null;
let classNames: string[] = [];
let store: RunStore | null = null;
let runs: RunRecord[] = [];
let compareIds = new Set<string>();
/** A stored or loaded checkpoint waiting for Start. */
let resumeFrom: { record: RunRecord; bytes: Uint8Array } | null = null;
/** A loaded model file whose weights the next Start trains from ("Train from these weights"). */
let initialFrom: { bytes: Uint8Array; fileName: string } | null = null;
/** The last loaded (and evaluated) model file. */
let loadedModel: { bytes: Uint8Array; fileName: string } | null = null;
let activityTimer: ReturnType<typeof setTimeout> | null = null;
let exportPending = false;
let nextRequestId = 1;
const pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const isActive = (s: RunState) => s === 'starting' || s === 'running' || s === 'paused' || s === 'stopping';

function request<T extends FromWorker>(message: ToWorker & { requestId: number }, transfer: Transferable[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.set(message.requestId, { resolve: resolve as (m: FromWorker) => void, reject });
    send(message, transfer);
  });
}

function setState(next: RunState): void {
  state = next;
  byId('run-state').textContent = next;
  document.body.dataset.state = next;
  const active = isActive(next);
  startButton.disabled = active || !samples || next === 'loading';
  startButton.textContent = resumeFrom ? 'Continue' : 'Start';
  pauseButton.disabled = !(next === 'running' || next === 'paused') || !control;
  pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
  stopButton.disabled = !(next === 'running' || next === 'paused');
  fileInput.disabled = active || next === 'loading';
  checkpointInput.disabled = active || next === 'loading' || !samples;
  modelInput.disabled = active || next === 'loading' || !samples;
  byId<HTMLButtonElement>('model-train').disabled = active;
  form.setRunning(active);
  updateDownloads();
}

function updateDownloads(): void {
  const has = current != null && current.metrics.train.length > 0;
  for (const id of downloadIds) byId<HTMLButtonElement>(id).disabled = !has || exportPending || state === 'starting';
  byId<HTMLButtonElement>('download-checkpoint').disabled ||= !current?.hasCheckpoint;
  const model = byId<HTMLButtonElement>('download-model');
  const diverged = current?.divergedAt != null;
  model.textContent = diverged ? 'Model (.safetensors) — diverged!' : 'Model (.safetensors)';
  model.classList.toggle('warn', diverged);
  const warning = byId('download-warning');
  warning.hidden = !diverged;
  warning.textContent = diverged
    ? current!.hasCheckpoint
      ? `This run diverged at step ${current!.divergedAt}: its weights are NaN/∞ now. Model downloads the last finite checkpoint's weights, and its file name says DIVERGED.`
      : `This run diverged at step ${current!.divergedAt} before any checkpoint: Model downloads non-finite weights (its file name says so).`
    : '';
}

function showError(message: string): void {
  const box = byId('error');
  box.textContent = message;
  box.hidden = false;
}

function clearError(): void {
  byId('error').hidden = true;
}

/** A data error in words a user can act on, beside the Data box; the parser's words stay as details. */
function showDataError(message: string): void {
  const box = byId('data-error');
  const archive = /tar|gzip|gunzip|header|magic|archive|member|pickle|unexpected end|DataFormat/i.test(message);
  const lead = archive
    ? 'This file is not a CIFAR-10 archive the page can read. Pick cifar-10-binary.tar.gz (or cifar-10-python.tar.gz) as downloaded from cs.toronto.edu/~kriz/cifar.html, unchanged.'
    : /GET .* answered/.test(message)
      ? 'The archive could not be fetched from the server.'
      : 'The data could not be loaded.';
  box.replaceChildren();
  const p = document.createElement('p');
  p.textContent = lead;
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'details';
  const pre = document.createElement('code');
  pre.textContent = message;
  details.append(summary, pre);
  box.append(p, details);
  box.hidden = false;
}

function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

/** Every view back to empty: nothing of an earlier run may be shown as the new one's. */
function resetViews(): void {
  for (const id of ['step', 'epoch', 'loss', 'test-accuracy', 'steps-per-second', 'eta', 'elapsed', 'current-lr']) setText(id, '—');
  for (const id of ['test-accuracy', 'steps-per-second', 'done']) {
    const e = byId(id);
    for (const k of Object.keys(e.dataset)) delete e.dataset[k];
  }
  setText('description', '');
  const done = byId('done');
  done.textContent = '';
  done.classList.remove('bad');
  byId<HTMLProgressElement>('run-progress').value = 0;
  byId('eval-progress').hidden = true;
  charts.clear();
  grid.clearPredictions();
  byId('confusion').replaceChildren();
  delete byId('confusion').dataset.step;
  const weights = byId('weights');
  weights.replaceChildren();
  delete weights.dataset.name;
  delete weights.dataset.count;
  setText('weights-title', 'First-layer weights');
  const gallery = byId('gallery');
  gallery.replaceChildren();
  gallery.hidden = true;
  const stats = byId('layer-stats');
  stats.replaceChildren();
  delete stats.dataset.step;
  if (activityTimer != null) clearTimeout(activityTimer);
  activityTimer = null;
  const activity = byId('layer-activity');
  activity.replaceChildren();
  for (const k of Object.keys(activity.dataset)) delete activity.dataset[k];
  clearError();
}

function currentSeries(): Series[] {
  if (!current) return [];
  return [{ name: current.record.name, train: current.metrics.train, eval: current.metrics.eval, divergedAt: current.divergedAt }];
}

function lastLearningRate(r: RunRecord): number {
  return r.lrChanges.at(-1)?.learningRate ?? r.config?.learningRate ?? r.settings.learningRate;
}

/** Shows a run's stored state in every view that a record holds (curves, read-outs). */
function showRecord(r: RunRecord): void {
  resetViews();
  current = { record: r, metrics: cloneMetrics(r.metrics), layerStats: [], activity: [...(r.activity ?? [])], divergedAt: r.status === 'diverged' ? r.step : null, hasCheckpoint: r.checkpointStep != null };
  byId('empty').hidden = true;
  setText('step', `${r.step} / ${r.maxSteps}`);
  const lastLoss = r.metrics.train.at(-1);
  if (lastLoss) setText('loss', fmt(lastLoss.loss));
  const lastEval = r.metrics.eval.at(-1);
  if (lastEval) showAccuracy(lastEval.testAccuracy, lastEval.step);
  setText('current-lr', String(lastLearningRate(r)));
  setText('elapsed', formatDuration(r.elapsedMs));
  setText('description', `${r.name} (stored) · ${r.config?.preset ?? r.settings.preset}`);
  charts.update(currentSeries(), { evalChanged: true });
  void renderLayerActivity(byId('layer-activity'), current.activity);
  updateDownloads();
}

function showAccuracy(accuracy: number, step: number): void {
  const acc = byId('test-accuracy');
  acc.textContent = `${(100 * accuracy).toFixed(2)}% (step ${step})`;
  acc.dataset.value = String(accuracy);
  acc.dataset.step = String(step);
}

async function saveRecord(files: Partial<Record<RunFileKind, Uint8Array>> = {}): Promise<void> {
  if (!store || !current) return;
  const r = current.record;
  r.metrics = cloneMetrics(current.metrics);
  r.activity = thinActivity(current.activity);
  try {
    await store.putWithFiles(r, files);
  } catch (err) {
    const w = byId('store-warning');
    w.textContent = `This run could not be saved in the browser (${(err as Error).message}); download its checkpoint to keep it.`;
    w.hidden = false;
  }
  await refreshRuns();
}

async function refreshRuns(): Promise<void> {
  if (!store) return;
  runs = await store.list();
  // While a run is going, its record in memory is newer than the stored one.
  if (current) runs = runs.map((r) => (r.id === current!.record.id ? { ...current!.record, metrics: current!.metrics } : r));
  renderRunList(byId('run-list'), runs, current && isActive(state) ? current.record.id : null, compareIds, {
    compare: (ids) => {
      compareIds = new Set(ids);
      drawCompare();
      void refreshRuns();
    },
    resume: (id) => void prepareResume(id),
    download: (id, kind) => void downloadStored(id, kind),
    remove: (id) => void removeRun(id),
  });
  drawCompare();
}

function drawCompare(): void {
  const chosen = runs.filter((r) => compareIds.has(r.id));
  byId('compare').hidden = chosen.length === 0;
  if (chosen.length === 0) return;
  const series: Series[] = chosen.map((r) => ({ name: r.name, train: r.metrics.train, eval: r.metrics.eval, divergedAt: r.status === 'diverged' ? r.step : null }));
  compareCharts.loss.update(series);
  compareCharts.accuracy.update(series);
}

async function downloadStored(id: string, kind: RunFileKind): Promise<void> {
  const bytes = await store?.file(id, kind);
  const r = runs.find((x) => x.id === id);
  if (!bytes || !r) return showError(`download: run ${r?.name ?? id} has no stored ${kind}`);
  const step = kind === 'best-model' ? r.bestStep : r.checkpointStep;
  const preset = r.config?.preset ?? r.settings.preset;
  const name = kind === 'checkpoint' ? `${preset}-step${step}.checkpoint.safetensors` : `${preset}-step${step}${kind === 'best-model' ? '-best' : ''}.safetensors`;
  download(name, 'application/octet-stream', bytes as Uint8Array<ArrayBuffer>);
}

async function removeRun(id: string): Promise<void> {
  if (!store) return;
  await store.delete(id);
  compareIds.delete(id);
  if (resumeFrom?.record.id === id) cancelResume();
  await refreshRuns();
}

/** Continue a stored run: its config locked in the form, max steps and eval frequency free. */
async function prepareResume(id: string): Promise<void> {
  if (!store || isActive(state)) return;
  const record = await store.get(id);
  const bytes = await store.file(id, 'checkpoint');
  if (!record || !bytes || !record.config) return showError(`continue: run ${record?.name ?? id} has no stored checkpoint`);
  resumeFrom = { record, bytes };
  form.setResuming(record.config, Math.max(record.maxSteps, 2 * (record.checkpointStep ?? 0)));
  setText('resume-text', `Continuing ${record.name} from its checkpoint at step ${record.checkpointStep}: set Max steps (and Eval every), then press Continue.`);
  byId('resume-banner').hidden = false;
  showRecord(record);
  setState(state);
}

function cancelResume(): void {
  resumeFrom = null;
  form.setResuming(null);
  byId('resume-banner').hidden = true;
  setState(state);
}

function bestOf(m: MetricsHistory): { accuracy: number | null; step: number | null } {
  let best: { accuracy: number | null; step: number | null } = { accuracy: null, step: null };
  for (const e of m.eval) if (best.accuracy == null || e.testAccuracy > best.accuracy) best = { accuracy: e.testAccuracy, step: e.step };
  return best;
}

/** A checkpoint file (the CLI's or this page's): checked in the worker, stored as a run, ready to continue. */
async function loadCheckpointFile(file: File): Promise<void> {
  byId('data-error').hidden = true;
  if (!store) return showError('continue a checkpoint: the browser’s storage (IndexedDB) is unavailable');
  const bytes = new Uint8Array(await file.arrayBuffer());
  let info: CheckpointInfo;
  try {
    info = (await request<Extract<FromWorker, { type: 'checkpoint-info' }>>({ type: 'inspect-checkpoint', requestId: nextRequestId++, bytes: bytes.slice(), fileName: file.name })).info;
  } catch (err) {
    return showDataError(`${(err as Error).message}`);
  }
  const best = bestOf(info.metrics);
  const record: RunRecord = {
    id: newRunId(),
    name: `#${runs.length + 1} ${info.config.preset}`,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    origin: 'file',
    fileName: file.name,
    settings: runSettingsOf(info.config),
    config: info.config,
    status: 'stopped',
    step: info.step,
    maxSteps: info.config.maxSteps,
    metrics: info.metrics,
    lrChanges: [],
    finalAccuracy: info.metrics.eval.at(-1)?.testAccuracy ?? null,
    bestAccuracy: best.accuracy,
    bestStep: best.step,
    checkpointStep: info.step,
    elapsedMs: info.elapsedMs,
  };
  await store.putWithFiles(record, { checkpoint: bytes });
  await refreshRuns();
  await prepareResume(record.id);
  setText('resume-text', `${file.name}: step ${info.step} of ${info.config.preset}${info.dataChecked ? ', trained on this CIFAR-10 (SHA-256 checked)' : ''}. Set Max steps, then press Continue.`);
}

/** Loads a model file into the model of the form's settings and evaluates it on the whole test set. */
async function loadModelFile(file: File): Promise<void> {
  byId('data-error').hidden = true;
  byId('model-result').hidden = true;
  let settings: RunSettings;
  try {
    settings = form.read();
  } catch (err) {
    return showDataError(`load a model: ${(err as Error).message}`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const box = byId('model-result');
  setText('model-result-text', `evaluating ${file.name} …`);
  delete box.dataset.accuracy;
  box.hidden = false;
  modelInput.disabled = true;
  try {
    const { result: r } = await request<Extract<FromWorker, { type: 'model-evaluated' }>>({ type: 'evaluate-model', requestId: nextRequestId++, bytes: bytes.slice(), fileName: file.name, settings });
    loadedModel = { bytes, fileName: file.name };
    setText('model-result-text', `${r.fileName}${r.step != null ? ` (step ${r.step})` : ''} in the ${r.preset} model: test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, loss ${fmt(r.testLoss)} on ${r.examples.toLocaleString('en')} test images.`);
    Object.assign(box.dataset, { accuracy: String(r.testAccuracy), preset: r.preset, file: r.fileName });
  } catch (err) {
    box.hidden = true;
    loadedModel = null;
    showDataError((err as Error).message);
  } finally {
    setState(state);
  }
}

function forgetModel(): void {
  loadedModel = null;
  initialFrom = null;
  byId('model-result').hidden = true;
  setState(state);
}

function loadFile(file: File): void {
  byId('data-error').hidden = true;
  setText('data-status', `reading ${file.name} …`);
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
      setText('data-status', `reading … ${(m.loaded / 2 ** 20).toFixed(0)}${m.total ? ` / ${(m.total / 2 ** 20).toFixed(0)}` : ''} MiB`);
      break;
    }
    case 'data-ready':
      samples = m.samples;
      classNames = m.classNames;
      byId<HTMLProgressElement>('data-progress').hidden = true;
      byId('data-error').hidden = true;
      setText('data-status', `CIFAR-10: ${m.trainSize.toLocaleString('en')} train / ${m.testSize.toLocaleString('en')} test images (read in ${(m.loadMs / 1000).toFixed(1)} s)`);
      byId('data-status').dataset.ready = 'true';
      grid.setImages(m.samples, m.classNames);
      break;
    case 'run-start': {
      if (!current || current.record.id !== m.runId) break;
      current.record.config = m.config;
      current.record.maxSteps = m.maxSteps;
      setText('description', `${current.record.name} · ${m.description} · ${m.numParameters.toLocaleString('en')} parameters${m.startStep > 0 ? ` · continued from step ${m.startStep}` : ''}${current.fromWeights ? ` · from the weights of ${current.fromWeights}` : ''}`);
      setText('current-lr', String(m.learningRate));
      setText('step', `${m.startStep} / ${m.maxSteps}`);
      void saveRecord();
      break;
    }
    case 'steps': {
      if (!current) break;
      current.metrics.train.push(...m.points);
      current.record.step = m.step;
      current.record.elapsedMs = m.elapsedMs;
      const last = m.points.at(-1);
      setText('step', `${m.step} / ${m.maxSteps}`);
      setText('epoch', String(m.epoch));
      if (last) setText('loss', fmt(last.loss));
      const sps = byId('steps-per-second');
      sps.textContent = formatSpeed(m.msPerStep);
      sps.dataset.value = String(m.stepsPerSecond);
      if (m.msPerStep != null) sps.dataset.msPerStep = String(m.msPerStep);
      const eta = byId('eta');
      eta.textContent = formatEta(m.etaMs, m.etaIncludesEval);
      if (m.etaMs != null) eta.dataset.ms = String(m.etaMs);
      setText('elapsed', formatDuration(m.elapsedMs));
      setText('current-lr', String(m.learningRate));
      byId<HTMLProgressElement>('run-progress').value = m.step / m.maxSteps;
      charts.update(currentSeries(), { evalChanged: false });
      break;
    }
    case 'eval-progress': {
      const box = byId('eval-progress');
      box.hidden = m.done >= m.total;
      box.dataset.done = String(m.done);
      box.dataset.total = String(m.total);
      const bar = byId<HTMLProgressElement>('eval-bar');
      bar.value = m.done / m.total;
      setText('eval-text', `evaluating the model of step ${m.step}: ${m.done.toLocaleString('en')} / ${m.total.toLocaleString('en')} test images`);
      break;
    }
    case 'eval': {
      if (!current) break;
      current.metrics.eval.push({ step: m.step, testLoss: m.testLoss, testAccuracy: m.testAccuracy, trainLoss: m.trainLoss });
      byId('eval-progress').hidden = true;
      showAccuracy(m.testAccuracy, m.step);
      charts.update(currentSeries(), { evalChanged: true });
      grid.setPredictions(m.samplePredictions, m.sampleConfidence, m.sampleTop3);
      renderConfusion(byId('confusion'), m.confusion, classNames, m.confusionExamples, m.step, (t, p) => void openGallery(t, p));
      if (m.weights && samples) {
        renderWeights(byId('weights'), m.weights, samples.shape);
        setText('weights-title', `First-layer ${m.weights.kind === 'conv' ? 'filters' : 'weights'} (${m.weights.name}, [${m.weights.shape.join(', ')}])`);
      }
      current.layerStats.push({ step: m.step, stats: m.layerStats });
      void renderLayerStats(byId('layer-stats'), current.layerStats);
      const r = current.record;
      r.finalAccuracy = m.testAccuracy;
      if (r.bestAccuracy == null || m.testAccuracy > r.bestAccuracy) {
        r.bestAccuracy = m.testAccuracy;
        r.bestStep = m.step;
      }
      break;
    }
    case 'layer-activity': {
      if (!current || current.record.id !== m.runId) break;
      current.activity.push(m.stats);
      // Redrawn at most every 300 ms: a fast MLP sends several observed steps a second.
      activityTimer ??= setTimeout(() => {
        activityTimer = null;
        if (current) void renderLayerActivity(byId('layer-activity'), current.activity);
      }, 300);
      break;
    }
    case 'checkpoint': {
      if (!current || current.record.id !== m.runId) break;
      current.hasCheckpoint = true;
      current.record.checkpointStep = m.step;
      const files: Partial<Record<RunFileKind, Uint8Array>> = { checkpoint: m.checkpoint, 'final-model': m.model };
      if (m.best) files['best-model'] = m.model;
      void saveRecord(files);
      updateDownloads();
      break;
    }
    case 'lr-change': {
      if (!current) break;
      current.record.lrChanges.push({ step: m.step, learningRate: m.learningRate });
      setText('current-lr', String(m.learningRate));
      void saveRecord();
      break;
    }
    case 'state':
      setState(m.state);
      if (m.state === 'paused' || m.state === 'running') void refreshRuns();
      break;
    case 'done': {
      if (!current || current.record.id !== m.runId) break;
      const r = current.record;
      current.metrics = m.metrics;
      r.status = m.reason;
      r.step = m.step;
      r.elapsedMs = m.elapsedMs;
      r.finalAccuracy = m.metrics.eval.at(-1)?.testAccuracy ?? null;
      // The read-outs as the run ended (a diverged step sends no step message; no time is left).
      setText('step', `${m.step} / ${r.maxSteps}`);
      const lastLoss = m.metrics.train.at(-1);
      if (lastLoss) setText('loss', fmt(lastLoss.loss));
      setText('eta', '—');
      const done = byId('done');
      if (m.reason === 'diverged') {
        current.divergedAt = m.step;
        r.detail = m.detail ?? 'NaN or infinite values';
        done.textContent = `diverged at step ${m.step}: ${r.detail} — training stopped; try a lower learning rate. The stored checkpoint is the last finite one${r.checkpointStep != null ? ` (step ${r.checkpointStep})` : ' (none: no evaluation before it)'}.`;
        done.classList.add('bad');
      } else {
        done.textContent = `${m.reason} at step ${m.step}${m.testAccuracy != null ? `: test accuracy ${(100 * m.testAccuracy).toFixed(2)}%${m.metrics.eval.at(-1)?.step !== m.step ? ` (evaluated at step ${m.metrics.eval.at(-1)?.step})` : ''}` : ''} in ${formatDuration(m.elapsedMs)}`;
        done.classList.remove('bad');
      }
      Object.assign(done.dataset, { reason: m.reason, step: String(m.step), accuracy: String(m.testAccuracy ?? '') });
      byId('eval-progress').hidden = true;
      control = null;
      charts.update(currentSeries(), { evalChanged: true });
      void saveRecord();
      updateDownloads();
      break;
    }
    case 'file':
      exportPending = false;
      updateDownloads();
      download(m.name, m.mime, m.bytes as Uint8Array<ArrayBuffer>);
      break;
    case 'checkpoint-info':
    case 'model-evaluated':
    case 'gallery': {
      const p = pending.get(m.requestId);
      pending.delete(m.requestId);
      p?.resolve(m);
      break;
    }
    case 'measured':
      measured?.(m);
      break;
    case 'error': {
      if (m.requestId != null) {
        const p = pending.get(m.requestId);
        pending.delete(m.requestId);
        p?.reject(new Error(m.message));
        break;
      }
      if (measured) measureFailed?.(new Error(m.message));
      if (m.during === 'export') {
        exportPending = false;
        updateDownloads();
      }
      if (m.during === 'load-data') {
        showDataError(m.message);
        byId<HTMLProgressElement>('data-progress').hidden = true;
        setText('data-status', samples ? 'The CIFAR-10 loaded before is still in use.' : 'no data yet');
      }
      else showError(m.message);
      if (m.during === 'start' && current && current.metrics.train.length === 0) {
        // The run never began: forget its record.
        void store?.delete(current.record.id).then(refreshRuns);
        current = null;
      }
      break;
    }
  }
});
worker.addEventListener('error', (e) => showError(`worker: ${e.message}`));

async function openGallery(trueClass: number, predictedClass: number): Promise<void> {
  if (!samples) return;
  try {
    const g = await request<Extract<FromWorker, { type: 'gallery' }>>({ type: 'gallery', requestId: nextRequestId++, trueClass, predictedClass, limit: 40 });
    renderGallery(byId('gallery'), g, classNames, samples.shape);
    byId('gallery').scrollIntoView({ block: 'nearest' });
  } catch (err) {
    showError((err as Error).message);
  }
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) loadFile(file);
});
modelInput.addEventListener('change', () => {
  const file = modelInput.files?.[0];
  modelInput.value = '';
  if (file) void loadModelFile(file);
});
byId('model-forget').addEventListener('click', forgetModel);
byId('model-train').addEventListener('click', () => {
  if (!loadedModel) return;
  cancelResume();
  initialFrom = loadedModel;
  setText('model-result-text', `Start trains from the weights of ${loadedModel.fileName} (step 0, a fresh optimizer), with the settings below.`);
  startButton.click();
});
checkpointInput.addEventListener('change', () => {
  const file = checkpointInput.files?.[0];
  checkpointInput.value = '';
  if (file) void loadCheckpointFile(file);
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
  if (file && !isActive(state)) loadFile(file);
});

startButton.addEventListener('click', () => {
  // One run per press: the button is locked from here until the worker reports the run's end.
  if (isActive(state) || startButton.disabled) return;
  clearError();
  let settings: RunSettings;
  try {
    settings = form.read();
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  const previousState = state;
  setState('starting');
  control = self.crossOriginIsolated ? new RunControl() : null;
  let resume: { bytes: Uint8Array; learningRate: number } | undefined;
  let record: RunRecord;
  if (resumeFrom) {
    const from = resumeFrom.record;
    const cs = from.checkpointStep ?? 0;
    record = { ...from, status: 'running', maxSteps: settings.maxSteps, step: cs, settings: { ...from.settings, maxSteps: settings.maxSteps, evalFreq: settings.evalFreq }, detail: undefined };
    // The curves as the checkpoint has them (a stop after the checkpoint trained steps it does not hold).
    record.metrics = { train: from.metrics.train.filter((p) => p.step <= cs), eval: from.metrics.eval.filter((p) => p.step <= cs) };
    resume = { bytes: resumeFrom.bytes, learningRate: lastLearningRate(from) };
    resumeFrom = null;
    byId('resume-banner').hidden = true;
    form.setResuming(null);
  } else {
    record = {
      id: newRunId(),
      name: `#${runs.length + 1} ${settings.preset}`,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      origin: 'page',
      settings,
      config: null,
      status: 'running',
      step: 0,
      maxSteps: settings.maxSteps,
      metrics: { train: [], eval: [] },
      lrChanges: [],
      finalAccuracy: null,
      bestAccuracy: null,
      bestStep: null,
      checkpointStep: null,
      elapsedMs: 0,
    };
    // The settings in the address bar, so this configuration can be shared.
    history.replaceState(null, '', `?${writeSettings(new URLSearchParams(location.search), settings).toString()}`);
  }
  resetViews();
  // A continued run keeps its stored statistics and adds the new steps' (thinned when saved).
  current = { record, metrics: cloneMetrics(record.metrics), layerStats: [], activity: [...(record.activity ?? [])], divergedAt: null, hasCheckpoint: resume != null };
  byId('empty').hidden = true;
  if (current.metrics.train.length) charts.update(currentSeries(), { evalChanged: true });
  setText('step', `${record.step} / ${record.maxSteps}`);
  setState('starting');
  void saveRecord();
  const initialModel = resume ? undefined : initialFrom;
  initialFrom = null;
  if (initialModel) current.fromWeights = initialModel.fileName;
  send({
    type: 'start',
    runId: record.id,
    settings,
    control: control?.buffer ?? null,
    ...(resume ? { resume: { bytes: resume.bytes.slice(), learningRate: resume.learningRate } } : {}),
    ...(initialModel ? { initialModel: { bytes: initialModel.bytes.slice(), fileName: initialModel.fileName } } : {}),
  });
  // On a phone the views sit above the form: bring the status into sight.
  if (window.matchMedia('(max-width: 900px)').matches) byId('status').scrollIntoView({ block: 'start' });
  void previousState;
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
byId('resume-cancel').addEventListener('click', cancelResume);
form.onEdit(clearError);
form.learningRateInput.addEventListener('change', () => {
  if (state !== 'running' && state !== 'paused') return;
  const lr = Number(form.learningRateInput.value);
  if (!(lr > 0) || !Number.isFinite(lr)) {
    showError(`learning rate must be a positive number, got '${form.learningRateInput.value}'`);
    return;
  }
  send({ type: 'set-lr', learningRate: lr });
});
const exportFile = (what: 'model' | 'metrics' | 'checkpoint') => {
  exportPending = true;
  updateDownloads();
  send({ type: 'export', what });
};
byId('download-model').addEventListener('click', () => exportFile('model'));
byId('download-checkpoint').addEventListener('click', () => exportFile('checkpoint'));
byId('download-metrics').addEventListener('click', () => exportFile('metrics'));
for (const id of ['smoothing', 'log-scale']) {
  byId(id).addEventListener('input', () => {
    setText('smoothing-value', Number(byId<HTMLInputElement>('smoothing').value).toFixed(2));
    charts.update(currentSeries(), { evalChanged: true });
    drawCompare();
  });
}
// A reload or a closed tab would end the run: ask first (the run's checkpoints are stored, but
// the steps since the last one would be lost).
window.addEventListener('beforeunload', (e) => {
  if (!isActive(state)) return;
  e.preventDefault();
  e.returnValue = '';
});

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

// Settings from a shared URL.
const fromUrl = readSettings(params);
form.apply(fromUrl.values);
if (fromUrl.problems.length) showError(`The address gives settings this page cannot read: ${fromUrl.problems.join('; ')}. The preset's values are used for those.`);

setState('idle');
// `?threads=N` asks for N WASM threads (default: every logical core).
const threads = Number(params.get('threads') ?? navigator.hardwareConcurrency) || 1;
send({ type: 'init', threads });
const dataUrl = params.get('data');
if (dataUrl) {
  setText('data-status', `fetching ${dataUrl} …`);
  send({ type: 'load-data', source: { kind: 'url', url: dataUrl } });
}
RunStore.open()
  .then(async (s) => {
    store = s;
    // A run still marked running was cut off by a reload or a closed tab: it continues from its checkpoint.
    for (const r of await s.list()) if (r.status === 'running') await s.put({ ...r, status: 'interrupted' });
    await refreshRuns();
  })
  .catch((err: Error) => {
    const w = byId('store-warning');
    w.textContent = `Runs are not kept: the browser's storage (IndexedDB) is unavailable (${err.message}).`;
    w.hidden = false;
  });
