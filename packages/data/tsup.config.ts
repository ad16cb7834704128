import { defineConfig } from 'tsup';

// Workspace packages stay external (resolved through their own exports at run time).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  external: [/^@backprop\//, /^node:/],
});
