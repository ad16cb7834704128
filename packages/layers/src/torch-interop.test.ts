// safetensors files cross between Backprop and PyTorch 1.13 (fixtures/torch_reference.py, Debian's
// /usr/bin/python3 with python3-torch): a Backprop-saved state loads into the PyTorch model with
// load_state_dict(strict=True) and reproduces Backprop's logits, and a PyTorch-saved state loads
// into Backprop and reproduces PyTorch's. Skipped, saying so, where torch is not installed.
// BACKPROP_RECORD=1 also writes the results to fixtures/torch-interop-record.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@backprop/tensor';
import { seededTensor } from '@backprop/tensor/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvNet } from './convnet.js';
import { MLP } from './mlp.js';
import type { Module } from './module.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadState, saveState } from './state.js';
import { fixturesDir, relToMax } from './testing/fixtures.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('torch_reference.py', fixturesDir));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`torch-interop: skipped, ${PYTHON} has no torch (Debian: apt-get install python3-torch)`);

const record: Record<string, unknown> = {};
let dir: string;

beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(path.join(tmpdir(), 'backprop-interop-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (process.env.BACKPROP_RECORD && Object.keys(record).length > 0) {
    const out = { note: 'written by src/torch-interop.test.ts with BACKPROP_RECORD=1', ...record };
    writeFileSync(new URL('torch-interop-record.json', fixturesDir), `${JSON.stringify(out, null, 2)}\n`);
  }
});

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 && r.stdout.trim() === '') throw new Error(`torch_reference.py ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

/** NHWC → NCHW values, as PyTorch takes images. */
const toTorchInput = (x: tf.Tensor) => tf.tidy(() => (x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x.clone()));
const fromTorchInput = (data: Float32Array, shape: number[]) =>
  tf.tidy(() => (shape.length === 4 ? tf.transpose(tf.tensor(data, shape), [0, 2, 3, 1]) : tf.tensor(data, shape)));

function evalLogits(model: Module, x: tf.Tensor): Float32Array {
  model.eval();
  const y = model.forward(x);
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

const cases = [
  { kind: 'mlp', make: () => new MLP(3072, [100, 100], 10, { batchNorm: true, seed: 7 }), input: [8, 3072] },
  { kind: 'convnet', make: () => new ConvNet(3, 10, { seed: 7 }), input: [4, 32, 32, 3] },
] as const;

describe.skipIf(!hasTorch)('safetensors interop with PyTorch', () => {
  for (const { kind, make, input } of cases) {
    it(`Backprop → PyTorch: a ${kind}'s file (running statistics moved) loads with load_state_dict(strict=True) and gives the same logits`, () => {
      const model = make();
      const x = seededTensor([...input], 3, 2);
      // Seeded Backprop weights (not PyTorch's init) and two train-mode forwards, so that the
      // BatchNorm running statistics and num_batches_tracked leave their defaults.
      model.train();
      for (let i = 0; i < 2; i++) model.forward(x).dispose();
      const stateFile = path.join(dir, `${kind}.safetensors`);
      const checkFile = path.join(dir, `${kind}.check.safetensors`);
      writeFileSync(stateFile, saveState(model, { model: kind }));
      const torchX = toTorchInput(x);
      writeFileSync(checkFile, encodeSafetensors({
        input: { dtype: 'F32', shape: torchX.shape, data: torchX.dataSync() as Float32Array },
        logits: { dtype: 'F32', shape: [input[0], 10], data: evalLogits(model, x) },
      }));
      const result = JSON.parse(python('check-backprop', stateFile, checkFile)) as { ok: boolean; relError: number; keys: number };
      record[`backprop-to-torch/${kind}`] = result;
      expect(result.keys).toBe(model.stateEntries().length);
      expect(result.relError).toBeLessThan(1e-4);
      expect(result.ok).toBe(true);
      tf.dispose([x, torchX]);
      model.dispose();
    });

    it(`PyTorch → Backprop: a PyTorch-initialised ${kind} saved by PyTorch loads strictly and gives PyTorch's logits`, () => {
      const out = path.join(dir, `${kind}.torch.safetensors`);
      python('export-torch', kind, '11', out);
      const model = make();
      loadState(model, readFileSync(out));
      const check = decodeSafetensors(readFileSync(`${out}.check`)).tensors;
      const input = check.get('input')!;
      const x = fromTorchInput(input.data as Float32Array, input.shape);
      const err = relToMax(evalLogits(model, x), check.get('logits')!.data as Float32Array);
      record[`torch-to-backprop/${kind}`] = { relError: err, tolerance: 1e-4, ok: err < 1e-4 };
      expect(err).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    });
  }
});
