// Shared tsup settings for the platform-neutral libraries (manual, layers, data, train): one ESM
// bundle per entry, with declarations. Workspace packages and `node:` built-ins stay external,
// resolved through their own exports at run time, so each package ships only its own code.
import { defineConfig, type Options } from 'tsup';

export function libraryConfig(entry: Record<string, string>, alsoExternal: RegExp[] = []) {
  const options: Options = {
    entry,
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    dts: true,
    clean: true,
    external: [/^@backprop\//, /^node:/, ...alsoExternal],
  };
  return defineConfig(options);
}
