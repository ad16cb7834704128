// Optimizer state crosses between Backprop and torch.optim (Debian's python3-torch 1.13) through
// encodeOptimizerState / decodeOptimizerState and python/torch_optim_state.py, and the next step
// after the hand-over gives the same weights on both sides (max |Δ| ≤ 1e-6), for SGD with
// momentum (and weight decay, Nesterov), Adam (with L2 weight decay) and AdamW. The model has a
// Conv2d, so the moments cross between layouts (HWIO here, OIHW in PyTorch). Skipped, saying so,
// where torch is not installed. BACKPROP_RECORD=1 prints the figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng, tf } from '@backprop/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from './activations.js';
import { Adam, AdamW } from './adam.js';
import { Conv2d } from './conv2d.js';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import type { Optimizer } from './optimizer.js';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { Sequential } from './sequential.js';
import { SGD } from './sgd.js';
import { loadState, saveState, stateDict } from './state.js';
import { fixturesDir } from './testing/fixtures.js';
import { trainStep } from './train-step.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('torch_optim.py', fixturesDir));
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.warn(`optim-torch: skipped, ${PYTHON} has no torch (Debian: apt-get install python3-torch)`);

const K = 3; // steps before the hand-over
let dir: string;

beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(path.join(tmpdir(), 'backprop-optim-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(...args: string[]): void {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`torch_optim.py ${args[0]} failed: ${r.stderr}`);
}

/** 0 Conv2d(3, 4, 3, padding 1) · 1 ReLU · 2 Flatten · 3 Linear(64, 5), as torch_optim.py's model. */
const makeModel = (seed: number) => {
  const rng = new Rng(seed);
  return new Sequential(new Conv2d(3, 4, 3, { padding: 1, rng }), new ReLU(), new Flatten(), new Linear(64, 5, { rng }));
};

/** Batches 0..K: NHWC x for Backprop, NCHW for PyTorch, labels. */
function makeBatches() {
  const rng = new Rng(99);
  return Array.from({ length: K + 1 }, () => {
    const nhwc = rng.fillNormal(new Float32Array(6 * 4 * 4 * 3));
    const labels = Int32Array.from({ length: 6 }, () => Math.floor(rng.uniform() * 5));
    return { nhwc, labels };
  });
}

function writeBatches(batches: ReturnType<typeof makeBatches>, file: string): void {
  const tensors: Parameters<typeof encodeSafetensors>[0] = {};
  batches.forEach((b, k) => {
    const nchw = tf.tidy(() => tf.transpose(tf.tensor(b.nhwc, [6, 4, 4, 3]), [0, 3, 1, 2]).dataSync() as Float32Array);
    tensors[`x${k}`] = { dtype: 'F32', shape: [6, 3, 4, 4], data: nchw };
    tensors[`y${k}`] = { dtype: 'I64', shape: [6], data: BigInt64Array.from(b.labels, (v) => BigInt(v)) };
  });
  writeFileSync(file, encodeSafetensors(tensors));
}

const ce = new CrossEntropyLoss();

function backpropStep(model: Sequential, opt: Optimizer, b: { nhwc: Float32Array; labels: Int32Array }): void {
  const x = tf.tensor(b.nhwc, [6, 4, 4, 3]);
  trainStep(model, ce, x, Array.from(b.labels), opt);
  x.dispose();
}

/** max |a − b| over every parameter, PyTorch layout and names. */
function maxDiff(model: Sequential, torchFile: string): number {
  const theirs = decodeSafetensors(readFileSync(torchFile)).tensors;
  let worst = 0;
  for (const [name, t] of stateDict(model)) {
    const other = theirs.get(name);
    if (other == null) throw new Error(`PyTorch weights lack '${name}'`);
    const a = t.data as Float32Array;
    const b = other.data as Float32Array;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

type Kind = 'sgd' | 'adam' | 'adamw';
const cases: Array<{ label: string; kind: Kind; hyper: Record<string, unknown>; make: (m: Sequential, h: Record<string, unknown>) => Optimizer }> = [
  { label: 'SGD, momentum 0.9, weight_decay 5e-4', kind: 'sgd', hyper: { lr: 0.1, momentum: 0.9, weight_decay: 5e-4 }, make: (m, h) => new SGD(m, h as { lr: number }) },
  { label: 'SGD, Nesterov momentum, dampening 0', kind: 'sgd', hyper: { lr: 0.05, momentum: 0.8, nesterov: true }, make: (m, h) => new SGD(m, h as { lr: number }) },
  { label: 'Adam, weight_decay 1e-2', kind: 'adam', hyper: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 1e-2 }, make: (m, h) => new Adam(m, h) },
  { label: 'AdamW', kind: 'adamw', hyper: { lr: 0.01, weight_decay: 0.1 }, make: (m, h) => new AdamW(m, h) },
];

describe.skipIf(!hasTorch)('optimizer state crosses to torch.optim and back; the next step agrees within 1e-6', () => {
  const figures: string[] = [];
  afterAll(() => {
    if (process.env.BACKPROP_RECORD) console.log(figures.join('\n'));
  });

  for (const { label, kind, hyper, make } of cases) {
    it(`${label}: Backprop → PyTorch`, () => {
      const batches = makeBatches();
      const batchFile = path.join(dir, `${kind}-batches.safetensors`);
      writeBatches(batches, batchFile);
      const model = makeModel(3);
      const opt = make(model, hyper);
      for (let k = 0; k < K; k++) backpropStep(model, opt, batches[k]!);
      const modelFile = path.join(dir, `${kind}-bp.model.safetensors`);
      const optimFile = path.join(dir, `${kind}-bp.optim.safetensors`);
      writeFileSync(modelFile, saveState(model));
      writeFileSync(optimFile, encodeOptimizerState(opt.stateDict()));
      backpropStep(model, opt, batches[K]!);
      const out = path.join(dir, `${kind}-pt-next.safetensors`);
      // PyTorch builds its optimizer with default hyperparameters: the loaded param_groups set them.
      python('step', modelFile, optimFile, batchFile, String(K), kind, out);
      const diff = maxDiff(model, out);
      figures.push(`${label}: Backprop → PyTorch, next-step weights max |Δ| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(1e-6);
      // And PyTorch's state after that step matches ours (its step counts, moments).
      const theirs = decodeOptimizerState(readFileSync(`${out}.optim`));
      const ours = opt.stateDict();
      expect([...theirs.state.keys()]).toEqual([...ours.state.keys()]);
      for (const [i, entry] of ours.state) {
        for (const [key, t] of Object.entries(entry)) {
          const other = theirs.state.get(i)![key];
          if (t == null) continue;
          const a = t.data as Float32Array;
          const b = other!.data as Float32Array;
          expect(b.length).toBe(a.length);
          let worst = 0;
          for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!));
          expect(worst, `state[${i}].${key}`).toBeLessThanOrEqual(1e-6);
        }
      }
      opt.dispose();
      model.dispose();
    });

    it(`${label}: PyTorch → Backprop`, () => {
      const batches = makeBatches();
      const batchFile = path.join(dir, `${kind}-batches2.safetensors`);
      writeBatches(batches, batchFile);
      const init = makeModel(5);
      const initFile = path.join(dir, `${kind}-init.safetensors`);
      writeFileSync(initFile, saveState(init));
      init.dispose();
      const out = path.join(dir, `${kind}-pt-train.safetensors`);
      python('train', initFile, batchFile, String(K), kind, JSON.stringify(hyper), out);

      // A fresh model and optimizer with other hyperparameters: the loaded groups replace them.
      const model = makeModel(6);
      loadState(model, readFileSync(`${out}.model`));
      const opt = make(model, { lr: 0.123 });
      const tensorsBefore = tf.memory().numTensors;
      opt.loadStateDict(decodeOptimizerState(readFileSync(`${out}.optim`)));
      for (const [k, v] of Object.entries(hyper)) expect(opt.paramGroups[0]![k as 'lr'], k).toEqual(v);
      expect(tf.memory().numTensors - tensorsBefore).toBe(kind === 'sgd' ? 4 : 8); // the loaded buffers / moments
      backpropStep(model, opt, batches[K]!);
      const diff = maxDiff(model, out);
      figures.push(`${label}: PyTorch → Backprop, next-step weights max |Δ| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(1e-6);
      opt.dispose();
      model.dispose();
    });
  }
});
