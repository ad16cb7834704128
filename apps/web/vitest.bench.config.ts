// `pnpm --filter @backprop/web bench`: steps/s in Node (the repo's shared vitest set-up: sources,
// one tfjs) and in headless Chromium (the built app, through playwright-core).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['bench/**/*.bench.ts'], testTimeout: 900_000, hookTimeout: 300_000 } }),
);
