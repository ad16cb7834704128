// The training worker: the WASM backend (threaded when the page is cross-origin isolated), the
// data set, and at most one run at a time. The page never touches tfjs, so it never freezes.
import type { LabelledData } from '@backprop/data';
import { initBackend } from '@backprop/tensor';
import { decodeCheckpoint, type Checkpoint } from '@backprop/train';
import { RunControl } from '../control.js';
import type { FromWorker, SampleImages, ToWorker } from '../protocol.js';
import { loadData, pickSamples } from './data-loader.js';
import { dataSha256 } from './data-id.js';
import { measureSteps } from './measure-steps.js';
import { evaluateModelFile } from './model-file.js';
import { RunSession } from './run-session.js';
import { wasmPaths } from './wasm-paths.js';

const SAMPLES_PER_CLASS = 4;

let data: LabelledData | null = null;
let dataId: Promise<string> | null = null;
let samples: SampleImages | null = null;
let session: RunSession | null = null;
/** The last finished run, kept for its downloads and gallery until the next one starts. */
let finished: RunSession | null = null;
let ready: Promise<unknown> | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

function fail(err: unknown, msg: ToWorker): void {
  const message = err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
  const requestId = 'requestId' in msg ? msg.requestId : undefined;
  post({ type: 'error', message, during: msg.type, ...(requestId != null ? { requestId } : {}) });
}

/** The data's SHA-256 (as the CLI computes it), hashed once per data set, when first needed. */
function currentDataId(): Promise<string> {
  if (!data) throw new Error('load CIFAR-10 first');
  dataId ??= dataSha256(data);
  return dataId;
}

/** Decodes a checkpoint and checks it may continue on the loaded data. */
async function readCheckpoint(bytes: Uint8Array, fileName: string): Promise<{ checkpoint: Checkpoint; dataChecked: boolean }> {
  const checkpoint = decodeCheckpoint(bytes, fileName);
  if (!checkpoint.config) throw new Error(`${fileName}: the checkpoint records no config`);
  for (const [name, t] of checkpoint.model) {
    const bad = (t.data as Float32Array).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${fileName}: the model holds ${(t.data as Float32Array)[bad]} in ${name}[${bad}]; it cannot be continued`);
  }
  if (!checkpoint.dataSha256) return { checkpoint, dataChecked: false };
  const id = await currentDataId();
  if (id !== checkpoint.dataSha256) {
    throw new Error(
      `${fileName} was trained on other data (its SHA-256 is ${checkpoint.dataSha256.slice(0, 16)}…, the loaded CIFAR-10's is ${id.slice(0, 16)}…); load the archive the run used`,
    );
  }
  return { checkpoint, dataChecked: true };
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      const threads = self.crossOriginIsolated ? Math.max(1, msg.threads) : 1;
      ready = initBackend({ backend: 'wasm', threads, wasmPaths });
      const info = (await ready) as Awaited<ReturnType<typeof initBackend>>;
      post({ type: 'backend', report: { ...info, crossOriginIsolated: self.crossOriginIsolated } });
      return;
    }
    case 'load-data': {
      if (session) throw new Error('load-data: stop the running training first');
      post({ type: 'state', state: 'loading' });
      const t0 = performance.now();
      let lastProgress = 0;
      try {
        data = await loadData(msg.source, (loaded, total) => {
          const now = performance.now();
          if (now - lastProgress < 100 && loaded !== total) return;
          lastProgress = now;
          post({ type: 'data-progress', loaded, total });
        });
      } catch (err) {
        post({ type: 'state', state: data ? 'ready' : 'idle' });
        throw err;
      }
      dataId = null;
      samples = pickSamples(data, SAMPLES_PER_CLASS);
      post({
        type: 'data-ready',
        trainSize: data.train.length,
        testSize: data.test.length,
        classNames: data.classNames,
        samples: { ...samples, images: samples.images.slice(), labels: samples.labels.slice() },
        loadMs: performance.now() - t0,
      });
      post({ type: 'state', state: 'ready' });
      return;
    }
    case 'start': {
      if (!data || !samples) throw new Error('start: load CIFAR-10 first');
      if (session) throw new Error('start: a run is already going; stop it first');
      await ready;
      const control = msg.control ? new RunControl(msg.control) : null;
      let s: RunSession;
      try {
        const resume = msg.resume ? (await readCheckpoint(msg.resume.bytes, 'the stored checkpoint')).checkpoint : undefined;
        s = new RunSession({
          runId: msg.runId,
          settings: msg.settings,
          data,
          samples,
          control,
          post,
          resume,
          resumeLearningRate: msg.resume?.learningRate,
          dataSha256: await currentDataId(),
          ...(msg.initialModel ? { initialModel: msg.initialModel } : {}),
        });
      } catch (err) {
        post({ type: 'state', state: 'ready' });
        throw err;
      }
      // The previous run's model is freed only now: its downloads and gallery stay until a new run exists.
      finished?.dispose();
      finished = null;
      session = s;
      try {
        await s.run();
      } finally {
        session = null;
        finished = s;
        post({ type: 'state', state: 'ready' });
      }
      return;
    }
    case 'stop':
      session?.stop();
      return;
    case 'set-lr':
      if (!session) throw new Error('set-lr: no run is going');
      session.changeLearningRate(msg.learningRate);
      return;
    case 'export': {
      const s = session ?? finished;
      if (!s) throw new Error('export: nothing trained yet');
      const file = msg.what === 'model' ? s.modelFile() : msg.what === 'checkpoint' ? s.checkpointFile() : s.metricsFile();
      post({ type: 'file', name: file.name, mime: msg.what === 'metrics' ? 'text/csv' : 'application/octet-stream', bytes: file.bytes }, [file.bytes.buffer]);
      return;
    }
    case 'inspect-checkpoint': {
      const { checkpoint, dataChecked } = await readCheckpoint(msg.bytes, msg.fileName);
      post({
        type: 'checkpoint-info',
        requestId: msg.requestId,
        info: { fileName: msg.fileName, step: checkpoint.step, config: checkpoint.config, metrics: checkpoint.metrics, elapsedMs: checkpoint.elapsedMs, dataChecked },
      });
      return;
    }
    case 'evaluate-model': {
      if (!data) throw new Error('evaluate-model: load CIFAR-10 first');
      if (session) throw new Error('evaluate-model: stop the running training first');
      await ready;
      post({ type: 'model-evaluated', requestId: msg.requestId, result: evaluateModelFile(msg.bytes, msg.fileName, msg.settings, data) });
      return;
    }
    case 'gallery': {
      const s = session ?? finished;
      if (!s) throw new Error('gallery: nothing trained yet');
      const g = s.gallery(msg.trueClass, msg.predictedClass, msg.limit);
      post(
        { type: 'gallery', requestId: msg.requestId, trueClass: msg.trueClass, predictedClass: msg.predictedClass, evalStep: g.evalStep, modelStep: s.step, total: g.total, items: g.items },
        g.items.map((i) => i.image.buffer),
      );
      return;
    }
    case 'measure': {
      if (!data) throw new Error('measure: load CIFAR-10 first');
      if (session) throw new Error('measure: stop the running training first');
      const info = (await ready) as Awaited<ReturnType<typeof initBackend>>;
      post({ type: 'measured', timing: measureSteps(data, msg.preset, msg.steps, msg.warmup), threads: info.threads });
      return;
    }
  }
}

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err) => fail(err, e.data));
});
