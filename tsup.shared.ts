// Shared tsup settings for the libraries (random, manual, layers, data, train): one ESM bundle per
// entry, with declarations. Workspace packages and `node:` built-ins stay external, resolved
// through their own exports at run time, so each package ships only its own code.
//
// A package whose platform-neutral entry reaches Node built-ins lazily (`await import('node:fs')`
// inside a Node-only function, as @backprop/data does) is built twice (`nodeBuild: true`):
// dist/node/ for the package's `node` export condition, with the built-ins as they are, and dist/
// for browsers and bundlers, where each `node:` import becomes a module that throws a clear error
// when (and only when) a Node-only function is called. A bundler then sees no Node built-in at all:
// no "externalized for browser compatibility" warnings, no polyfill stubs.
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/** Resolves every `node:` import to a module that throws, naming the package and the built-in. */
export function nodeBuiltinStubs(packageName: string): Plugin {
  return {
    name: 'node-builtin-stubs',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(
          `${packageName}: '${args.path}' is a Node built-in; this is the browser build, where this function is not available (under Node the package's 'node' export condition loads the Node build)`,
        )});`,
        loader: 'js',
      }));
    },
  };
}

export interface LibraryOptions {
  /** Also build dist/node/ (the `node` condition) and make dist/ free of Node built-ins. */
  nodeBuild?: { packageName: string };
}

export function libraryConfig(entry: Record<string, string>, alsoExternal: RegExp[] = [], options: LibraryOptions = {}) {
  const base: Options = {
    entry,
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    dts: true,
    clean: true,
    removeNodeProtocol: false,
    external: [/^@backprop\//, /^node:/, ...alsoExternal],
  };
  if (options.nodeBuild == null) return defineConfig(base);
  const browser: Options = {
    ...base,
    external: [/^@backprop\//, ...alsoExternal],
    esbuildPlugins: [nodeBuiltinStubs(options.nodeBuild.packageName)],
  };
  const node: Options = { ...base, outDir: 'dist/node', platform: 'node', target: 'node20', dts: false, clean: false };
  return defineConfig([browser, node]);
}
