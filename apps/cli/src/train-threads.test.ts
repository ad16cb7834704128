// `--threads` under Node: its own file, because a process picks its WASM thread count once
// (vitest runs each file in a fresh process). The 1-vs-2-thread bit-identity of the kernels is
// checked on the built packages by scripts/pack-check.mjs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from './main.js';
import { writeCifarFolder } from './test-support/cifar-folder.js';
import { fakeIo } from './test-support/fake-io.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'backprop-cli-threads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('train --threads 2 runs on two WASM threads and trains', async () => {
  const cifar = writeCifarFolder(path.join(root, 'cifar'));
  const io = fakeIo();
  const out = path.join(root, 'run');
  const code = await main(['train', 'mlp', '--data', cifar, '--batch-size', '10', '--eval-freq', '4', '--dnn-hidden-units', '8', '--max-steps', '8', '--threads', '2', '--out', out], io);
  const stdout = io.out.join('');
  expect(code).toBe(0);
  expect(stdout).toContain('done: 8 steps');
  expect(stdout).toContain('on wasm (SIMD, 2 threads)');
  const rows = readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
  expect(rows.length).toBeGreaterThan(8);
});
