import { defineConfig } from 'tsup';

// One executable ESM file with a shebang; workspace packages and vega resolve at run time through
// their own exports (their dist builds).
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  external: [/^@backprop\//, /^vega/],
});
