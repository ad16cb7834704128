// Two builds of the same sources, chosen by the package's `exports` conditions:
//
// - dist/ (the `default` condition: browsers, bundlers, workers). Platform-neutral ESM; every
//   `@tensorflow/*` import stays external, so the bundler resolves tfjs once, from the peer
//   dependencies, and a page that also imports tfjs shares the one engine and kernel registry.
//   tfjs's three `.wasm` binaries are copied beside the bundle and found through
//   `new URL('./x.wasm', import.meta.url)` (default-wasm-paths.browser.ts), which bundlers emit as
//   assets. The Node-only threaded-WASM starter is swapped for a stub, and every `node:` import
//   (reached only under Node) for a module that throws (tsup.shared.ts), so a bundler sees none.
// - dist/node/ (the `node` condition). tfjs-core and the two backends stay external too: Node loads
//   their CommonJS builds (`main`), the same module a user's own `import '@tensorflow/tfjs-core'`
//   gets. Those builds lack the gradients and chained ops, and the ESM files that register them
//   use extensionless imports Node cannot load, so exactly those two registration modules (and
//   the tfjs-core internals they use) are bundled in. They register into tfjs's process-wide
//   registries (the engine, kernels, gradients and the Tensor class live on the global object),
//   i.e. into the one engine the CommonJS tfjs-core made.
//
// Declarations are emitted once (dist/*.d.ts). The declaration bundler drops side-effect imports;
// scripts/chained-ops-types.mjs (run after tsup) puts the chained-op augmentation back.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { nodeBuiltinStubs } from '../../tsup.shared';

const require = createRequire(import.meta.url);
const wasmDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const entry = { index: 'src/index.ts', 'test/index': 'src/test/index.ts' };

/** Resolves `./<name>.js` imports inside src/ to `./<name>.browser.ts` where one exists. */
const browserSwaps = {
  name: 'browser-swaps',
  setup(build: { onResolve: (o: { filter: RegExp }, cb: (a: { path: string; resolveDir: string }) => { path: string } | undefined) => void }) {
    build.onResolve({ filter: /^\.\/(default-wasm-paths|wasm-node-threads)\.js$/ }, (args) => ({
      path: path.join(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts')),
    }));
  },
};

const common: Options = {
  entry,
  format: ['esm'],
  splitting: true,
  removeNodeProtocol: false,
  sourcemap: false,
  // tsup externalises the peer dependencies and their subpaths by default.
};

const browser: Options = {
  ...common,
  outDir: 'dist',
  platform: 'browser',
  target: 'es2022',
  dts: true,
  clean: true,
  external: [/^@tensorflow\//],
  // The engine's Node paths (worker_threads, v8 flags) run only under Node; here they become clear errors.
  esbuildPlugins: [browserSwaps, nodeBuiltinStubs('@backprop/tensor')],
  onSuccess: async () => {
    for (const file of WASM_FILES) copyFileSync(path.join(wasmDist, file), path.join('dist', file));
  },
};

const node: Options = {
  ...common,
  outDir: 'dist/node',
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: false,
  // Bundled (see above); everything else of tfjs stays external.
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/(register_all_gradients|public\/chained_ops\/register_all_chained_ops)$/],
  external: [/^node:/],
};

export default defineConfig([browser, node]);
