// tfjs-backend-wasm caps its XNNPACK thread pool at navigator.hardwareConcurrency / 2 (its C++
// `init_with_threads_count` takes min(requested, logical cores / 2), assuming two hyperthreads per
// core), so on a 2-core machine a page asking for 2 threads gets 1. The cap is read from
// `navigator.hardwareConcurrency` when the backend starts; reporting twice the requested count
// there lets the request through. The pool itself is created with exactly the requested size, so
// this never oversubscribes the CPU. (With Backprop's engine on, initBackend asks tfjs for one
// thread and the engine's own pool takes the rest: backend.ts.)
// initBackend calls it for an explicit `threads` request in a browser; under Node the same cap reads
// os.cpus(), which wasm-node-threads.ts reports the same way while it loads the threaded build.
export function allowWasmThreads(requested: number): void {
  if (typeof self === 'undefined' || self.navigator == null) return;
  const nav = self.navigator as Navigator & { hardwareConcurrency: number };
  const real = nav.hardwareConcurrency || 1;
  if (2 * requested <= real) return;
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * requested, configurable: true });
}
