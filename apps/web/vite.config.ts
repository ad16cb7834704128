// Vite: workspace packages from their sources, tfjs once (its ESM build, Vite's browser default),
// the WASM binaries as assets, and the cross-origin-isolation headers that WASM threads need
// (SharedArrayBuffer) on the dev server and on `vite preview` alike.
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, defaultClientConditions } from 'vite';

// pnpm keeps @tensorflow/* out of this app's node_modules (only @backprop/tensor may depend on
// it), so the three `.wasm` files are found through the tensor package.
const requireFromTensor = createRequire(new URL('../../packages/tensor/package.json', import.meta.url));
const wasmDir = path.join(path.dirname(requireFromTensor.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    alias: [{ find: /^@tensorflow\/tfjs-backend-wasm\/dist\/([\w-]+\.wasm)(\?url)?$/, replacement: `${wasmDir}/$1$2` }],
  },
  worker: { format: 'es' },
  server: { headers: isolationHeaders, fs: { allow: ['../..'] } },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: path.resolve(import.meta.dirname, 'index.html'), gradcheck: path.resolve(import.meta.dirname, 'gradcheck.html') },
    },
  },
});
