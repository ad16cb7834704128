import { defineConfig } from 'tsup';

// Two entries: the platform-neutral core (runs in a web worker) and the Node-only half.
// Workspace packages and vega stay external (resolved through their own exports at run time).
export default defineConfig({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  external: [/^@backprop\//, /^node:/, /^vega/],
});
