// Unit tests of the app's pure parts (src/**) and the end-to-end browser test (test/e2e.test.ts),
// which builds the app, serves it and drives Debian's Chromium through playwright-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // The browser tests time pauses and stops; two Chromiums training at once on a small machine
    // would only slow each other down. The unit tests are quick either way.
    fileParallelism: false,
  },
});
