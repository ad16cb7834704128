// One self-contained ESM bundle per entry. tfjs is bundled in from its ESM build (the only build
// with gradients and chained ops, and whose extensionless imports plain Node cannot load), so
// there is exactly one tfjs-core at run time. The WASM binaries (and the threaded build's
// pthread main script) are copied beside the bundle.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);
const wasmPackage = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const wasmDir = path.join(wasmPackage, 'dist');

export default defineConfig({
  entry: { index: 'src/index.ts', 'test/index': 'src/test/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  clean: true,
  splitting: true,
  sourcemap: false,
  noExternal: [/^@tensorflow\//],
  esbuildOptions(options) {
    options.mainFields = ['module', 'main'];
    options.conditions = ['source'];
  },
  // The emscripten glue inside tfjs-backend-wasm is CommonJS and reads require/__dirname.
  banner: {
    js: [
      "import { createRequire as __bpCreateRequire } from 'node:module';",
      "import { fileURLToPath as __bpFileURLToPath } from 'node:url';",
      'const require = __bpCreateRequire(import.meta.url);',
      'const __filename = __bpFileURLToPath(import.meta.url);',
      "const __dirname = __bpFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  onSuccess: async () => {
    mkdirSync('dist', { recursive: true });
    for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      copyFileSync(path.join(wasmDir, file), path.join('dist', file));
    }
    // Node's WASM threads: each pthread worker evaluates this script (src/wasm-node-threads.ts).
    copyFileSync(path.join(wasmPackage, 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), path.join('dist', 'tfjs-backend-wasm-threaded-simd.cjs'));
  },
});
