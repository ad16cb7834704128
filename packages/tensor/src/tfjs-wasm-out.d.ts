// tfjs-backend-wasm ships no types for its pthread worker module (a CommonJS file exporting the
// worker's source as a string); wasm-node-threads.ts writes that string to a file.
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  export const wasmWorkerContents: string;
}
