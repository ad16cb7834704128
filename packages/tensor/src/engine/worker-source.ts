// The code every pool thread runs, as a string (started with `eval: true` under Node's
// worker_threads, from a Blob URL in browsers), so the pool needs no file of its own on disk or
// on a server. Keep it plain ES2020 without imports.
//
// Protocol over the control SharedArrayBuffer (Int32 view I, Float64 view F; see thread-pool.ts):
//   I[0] job generation, bumped by the caller for each job;  I[1] threads still running the job;
//   I[2] function index (−1: exit);  I[8 + t] argument count of thread t (0: nothing to do);
//   F[ARGS_BASE + t·MAX_ARGS + i] argument i of thread t.
//   I[3] spin budget in µs;  I[4] times a worker slept (counted here).
// A thread spins on I[0] for the spin budget (jobs follow each other closely during a training
// step, and waking a sleeping thread costs 100–350 µs on a VM), then sleeps in Atomics.wait so an
// idle pool costs nothing.
export const workerSource = String.raw`
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
const port = isNode ? require('node:worker_threads').parentPort : self;
const start = (msg) => {
  const { module, memory, control, index, names, spinSlot, sleepsSlot, argsBase, maxArgs } = msg;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((name) => instance.exports[name]);
  const I = new Int32Array(control);
  const F = new Float64Array(control);
  let generation = Atomics.load(I, 0);
  port.postMessage('ready');
  for (;;) {
    let spins = 0;
    let since = performance.now();
    while (Atomics.load(I, 0) === generation) {
      // The clock every 256 spins; past the budget, sleep until the next job.
      if ((++spins & 255) === 0 && (performance.now() - since) * 1000 >= Atomics.load(I, spinSlot)) {
        Atomics.add(I, sleepsSlot, 1);
        Atomics.wait(I, 0, generation);
        since = performance.now();
      }
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
