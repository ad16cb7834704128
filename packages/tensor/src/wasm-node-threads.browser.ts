// The browser build's stand-in for wasm-node-threads.ts (swapped in by tsup.config.ts): that file
// starts tfjs's threaded build on Node's worker_threads and has no meaning in a browser, where
// tfjs starts its own pthreads. initBackend only calls it under Node.

export async function registerNodeThreadedWasm(threads: number): Promise<void> {
  throw new Error(`initBackend: registerNodeThreadedWasm(${threads}) is Node-only; this is @backprop/tensor's browser build`);
}
