import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// One WASM thread unless a test asks otherwise (train-threads.test.ts): the default would be
// one per core, and the suites already run two at a time.
export default mergeConfig(shared, defineConfig({ test: { env: { BACKPROP_THREADS: '1' } } }));
