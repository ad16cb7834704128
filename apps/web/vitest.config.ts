// Unit tests of the app's pure parts (src/**) and the end-to-end browser tests (test/*.test.ts),
// which build the app, serve it and drive Debian's Chromium through playwright-core.
// On sources, as the packages' tests are (../../vitest.shared.ts): the "source" condition for
// @backprop/* also on the Node (SSR) side, and one ESM tfjs-core.
import { defineConfig } from 'vitest/config';
import { tfjsAliases } from '../../vitest.shared';

export default defineConfig({
  resolve: { conditions: ['source'], alias: tfjsAliases },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    server: { deps: { inline: [/@tensorflow\//, /@backprop\//] } },
    // The browser tests time pauses and stops; two Chromiums training at once on a small machine
    // would only slow each other down. The unit tests are quick either way.
    fileParallelism: false,
  },
});
