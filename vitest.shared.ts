// Shared vitest settings. Tests run on sources: the "source" export condition makes
// `@backprop/*` imports resolve to each package's `src/`.
//
// tfjs ships a CommonJS Node bundle (`main`) that lacks gradients and chained ops, and an
// ESM build (`module`) that has them. Mixing the two loads tfjs-core twice (two Tensor
// classes, chained ops on only one), so every `@tensorflow/*` bare import is pinned to its
// ESM entry and inlined: one tfjs-core, as in the Vite app. (The packages' Node build uses the
// CommonJS one and adds the gradients and chained ops itself: packages/tensor/tsup.config.ts.)
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const requireFromTensor = createRequire(new URL('./packages/tensor/package.json', import.meta.url));
const esmEntry = (pkg: string) =>
  path.join(path.dirname(requireFromTensor.resolve(`${pkg}/package.json`)), 'dist/index.js');

export const tfjsAliases = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'].map(
  (pkg) => ({ find: new RegExp(`^${pkg.replace('/', '\\/')}$`), replacement: esmEntry(pkg) }),
);

export default defineConfig({
  resolve: { conditions: ['source'], alias: tfjsAliases },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    server: { deps: { inline: [/@tensorflow\//, /@backprop\//] } },
  },
});
