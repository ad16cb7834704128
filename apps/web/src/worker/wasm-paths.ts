// The three tfjs WASM binaries as hashed asset URLs. These `?url` imports are the only place the
// app names @tensorflow/*: the binaries are assets, not code (vite.config.ts finds them through
// @backprop/tensor's dependency, since pnpm does not give this app its own copy).
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name → URL, as `initBackend({ wasmPaths })` takes it. */
export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': absolute(plainUrl),
  'tfjs-backend-wasm-simd.wasm': absolute(simdUrl),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedSimdUrl),
};

// The threaded build's pthread workers run from blob: URLs, where a root-relative path has no
// base to resolve against; absolute URLs work from any of them.
function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}
