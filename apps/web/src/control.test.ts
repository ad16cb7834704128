import { describe, expect, it } from 'vitest';
import { PAUSE, RUN, RunControl, STOP } from './control.js';

describe('RunControl', () => {
  it('passes straight through while running and reports a stop', () => {
    const c = new RunControl();
    let paused = 0;
    expect(c.gate(() => paused++, () => {})).toBe(RUN);
    c.set(STOP);
    expect(c.gate(() => paused++, () => {})).toBe(STOP);
    expect(paused).toBe(0);
  });

  it('blocks while paused until another thread resumes it, calling onPause and onResume once', async () => {
    // Node's main thread may Atomics.wait; a worker thread plays the page and resumes after 150 ms.
    const { Worker } = await import('node:worker_threads');
    const c = new RunControl();
    c.set(PAUSE);
    const code = `
      const { workerData } = require('node:worker_threads');
      const word = new Int32Array(workerData);
      setTimeout(() => { Atomics.store(word, 0, ${RUN}); Atomics.notify(word, 0); }, 150);`;
    const worker = new Worker(code, { eval: true, workerData: c.buffer });
    await new Promise((r) => worker.once('online', r));
    const calls: string[] = [];
    const t0 = performance.now();
    const state = c.gate(() => calls.push('pause'), () => calls.push('resume'));
    const waited = performance.now() - t0;
    await worker.terminate();
    expect(state).toBe(RUN);
    expect(calls).toEqual(['pause', 'resume']);
    expect(waited).toBeGreaterThanOrEqual(100);
  });
});
