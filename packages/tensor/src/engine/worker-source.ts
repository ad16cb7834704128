// The code every pool thread runs, as a string (started with `eval: true` under Node's
// worker_threads, from a Blob URL in browsers), so the pool needs no file of its own on disk or
// on a server. Keep it plain ES2020 without imports.
//
// Protocol over the control SharedArrayBuffer (Int32 view I, Float64 view F; see thread-pool.ts):
//   I[0] job generation, bumped by the caller for each job;  I[1] threads still running the job;
//   I[2] function index (−1: exit);  I[8 + t] argument count of thread t (0: nothing to do);
//   F[ARGS_BASE + t·MAX_ARGS + i] argument i of thread t.
// A thread spins briefly on I[0] (jobs follow each other closely during a training step), then
// sleeps in Atomics.wait so an idle pool costs nothing.
export const workerSource = String.raw`
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
const port = isNode ? require('node:worker_threads').parentPort : self;
const start = (msg) => {
  const { module, memory, control, index, names, spin, argsBase, maxArgs } = msg;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((name) => instance.exports[name]);
  const I = new Int32Array(control);
  const F = new Float64Array(control);
  let generation = Atomics.load(I, 0);
  port.postMessage('ready');
  for (;;) {
    let spins = 0;
    while (Atomics.load(I, 0) === generation) {
      if (++spins > spin) { Atomics.wait(I, 0, generation); spins = 0; }
    }
    generation = Atomics.load(I, 0);
    const fn = Atomics.load(I, 2);
    if (fn < 0) break;
    const count = I[8 + index];
    if (count > 0) {
      const base = argsBase + index * maxArgs;
      const args = new Array(count);
      for (let i = 0; i < count; i++) args[i] = F[base + i];
      fns[fn](...args);
    }
    if (Atomics.sub(I, 1, 1) === 1) Atomics.notify(I, 1);
  }
};
if (isNode) port.once('message', start);
else self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;
