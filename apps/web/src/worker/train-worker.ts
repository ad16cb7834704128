// The training worker: the WASM backend (threaded when the page is cross-origin isolated), the
// data set, and at most one run at a time. The page never touches tfjs, so it never freezes.
import type { LabelledData } from '@backprop/data';
import { initBackend } from '@backprop/tensor';
import { RunControl } from '../control.js';
import type { FromWorker, SampleImages, ToWorker } from '../protocol.js';
import { loadData, pickSamples } from './data-loader.js';
import { measureSteps } from './measure-steps.js';
import { RunSession } from './run-session.js';
import { wasmPaths } from './wasm-paths.js';

const SAMPLES_PER_CLASS = 4;

let data: LabelledData | null = null;
let samples: SampleImages | null = null;
let session: RunSession | null = null;
/** The last finished run, kept for its downloads until the next one starts. */
let finished: RunSession | null = null;
let ready: Promise<unknown> | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
  post({ type: 'error', message });
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
      data = await loadData(msg.source, (loaded, total) => {
        const now = performance.now();
        if (now - lastProgress < 100 && loaded !== total) return;
        lastProgress = now;
        post({ type: 'data-progress', loaded, total });
      });
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
      const s = new RunSession(msg.settings, data, samples, control, post);
      session = s;
      try {
        await s.run();
      } finally {
        session = null;
        finished?.dispose();
        finished = s;
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
      const file = msg.what === 'model' ? s.modelFile() : s.metricsFile();
      post({ type: 'file', name: file.name, mime: msg.what === 'model' ? 'application/octet-stream' : 'text/csv', bytes: file.bytes }, [file.bytes.buffer]);
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
  handle(e.data).catch(fail);
});
