// Trainer-level check that the gradients are right: for each preset, the first steps' training
// losses on one fixed batch equal those of the same network, init and batch in PyTorch float64
// (scripts/reference/preset_steps_torch.py; record in fixtures/preset-steps-torch.json). A wrong
// backward or optimizer changes the losses from step 2 on, long before it shows in the accuracy.
// The run is also stopped after RESUME_AT steps, saved as a checkpoint file and resumed in a fresh
// model, so that a wrong optimizer-state save/load shows too. BACKPROP_RECORD=1 regenerates the record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSet, LabelledData } from '@backprop/data';
import { encodeSafetensors, type SafetensorsTensor } from '@backprop/layers';
import { initBackend } from '@backprop/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { makeRunData } from './data.js';
import { presetConfig, type PresetName } from './presets.js';
import { syntheticData } from './test-support/synthetic.js';
import { train } from './trainer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECORD = path.join(here, '../fixtures/preset-steps-torch.json');
const SCRIPT = path.join(here, '../../../scripts/reference/preset_steps_torch.py');
const STEPS = 5;
const RESUME_AT = 2;
/**
 * float32 (Backprop) against float64 (PyTorch): |a−b| ≤ ATOL + RTOL·|b| for every step's loss. The
 * absolute part is for the small losses (−log p with p near 1 keeps float32's absolute, not
 * relative, accuracy); measured differences: ≤ 1.7e-5 (the cnn's, at loss 0.047).
 */
const RTOL = 1e-4;
const ATOL = 5e-5;

const common = { maxSteps: STEPS, evalFreq: 1000, evalBatchSize: 4, evalAtStart: false } as const;
// The presets' own learning rates but the autograd MLP's (its PyTorch init on 0–255 pixels starts at a
// loss of ~15, and 1e-3 takes it to 0 in one step): the losses must stay O(1) for 5 steps, where
// float32 keeps them to ~1e-6 relative and a wrong update shows.
// Also mlp-tuned with `--norm layer`, the one way to train the hand-derived LayerNorm backward.
const configs: Record<PresetName | 'mlp-tuned-layer-norm', TrainConfig> = {
  'mlp-manual': presetConfig('mlp-manual', { ...common, batchSize: 8 }),
  mlp: presetConfig('mlp', { ...common, batchSize: 8, learningRate: 2e-5 }),
  'mlp-tuned': presetConfig('mlp-tuned', { ...common, batchSize: 8 }),
  'mlp-tuned-layer-norm': presetConfig('mlp-tuned', { ...common, batchSize: 8, norm: 'layer' }),
  cnn: presetConfig('cnn', { ...common, batchSize: 4 }),
};
const CASES = Object.keys(configs) as Array<keyof typeof configs>;

/**
 * 8 training images of 3 synthetic classes, unbalanced (5, 2, 1): with balanced classes the last
 * layer's bias gradient, mean(p) − class share, starts at ~0 and a wrong one would not show.
 */
function unbalancedData(): LabelledData {
  const source = syntheticData({ shape: [3, 32, 32], train: 24, test: 4 });
  const size = 3 * 32 * 32;
  const pick = [0, 3, 6, 9, 12, 1, 4, 2]; // labels i % 3: five 0s, two 1s, one 2
  const images = new Uint8Array(pick.length * size);
  pick.forEach((i, j) => images.set(source.train.images.subarray(i * size, (i + 1) * size), j * size));
  return { ...source, train: { images, labels: Uint8Array.from(pick, (i) => source.train.labels[i]!), length: pick.length, shape: source.train.shape } };
}
const data = unbalancedData();

/** A fresh model and the run's data, with every training batch the same fixed one. */
function setup(config: TrainConfig) {
  const runData = makeRunData(data, config);
  const batch = runData.train.nextBatch(config.batchSize);
  const fixed = Object.create(runData.train) as DataSet;
  fixed.nextBatch = () => batch;
  const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
  return { model, batch, data: { train: fixed, test: runData.test }, nClasses: runData.classNames.length };
}

beforeAll(async () => {
  await initBackend();
  if (process.env.BACKPROP_RECORD !== '1') return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-preset-steps-'));
  try {
    for (const preset of CASES) {
      const { model, batch, nClasses } = setup(configs[preset]);
      const tensors = new Map<string, SafetensorsTensor>([...model.stateDict()].map(([k, t]) => [`model.${k}`, t]));
      tensors.set('batch.x', { dtype: 'F32', shape: batch.xShape, data: batch.x });
      tensors.set('batch.labels', { dtype: 'I32', shape: [batch.size], data: Int32Array.from(batch.labels) });
      writeFileSync(path.join(dir, `${preset}.safetensors`), encodeSafetensors(tensors, { config: JSON.stringify(configs[preset]), n_classes: String(nClasses) }));
      model.dispose();
    }
    // Debian's python3-torch (setup.sh), not whatever python3 is first on PATH.
    const r = spawnSync('/usr/bin/python3', [SCRIPT, dir, RECORD], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${SCRIPT} failed (${r.status}): ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);

const reference = (): Record<string, { losses: number[]; config: TrainConfig }> => JSON.parse(readFileSync(RECORD, 'utf8'));

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `${what}: step ${i + 1} loss ${a} vs PyTorch ${expected[i]}`).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(expected[i]!)));
}

describe('the first training steps of every preset match PyTorch float64', () => {
  it.each(CASES)('%s: losses of steps 1…5 on a fixed batch, straight and resumed from a checkpoint file after step 2', async (preset) => {
    const config = configs[preset];
    const ref = reference()[preset]!;
    expect(ref.config).toEqual(config); // the record is of this very run
    // The losses must move: a record whose steps all agree would not test the updates.
    expect(Math.abs(ref.losses[STEPS - 1]! - ref.losses[0]!)).toBeGreaterThan(0.02);

    const straight = setup(config);
    try {
      const result = await train({ config, model: straight.model, data: straight.data });
      expectClose(result.metrics.train.map((p) => p.loss), ref.losses, `${preset} straight`);
    } finally {
      straight.model.dispose();
    }

    // Stopped after RESUME_AT steps (the checkpoint through its file format), resumed in a fresh model.
    const first = setup(config);
    let saved: Uint8Array | null = null;
    try {
      await train({ config: { ...config, maxSteps: RESUME_AT }, model: first.model, data: first.data, onCheckpoint: (c: Checkpoint) => void (saved = encodeCheckpoint(c)) });
    } finally {
      first.model.dispose();
    }
    const checkpoint = decodeCheckpoint(saved!);
    expect(checkpoint.step).toBe(RESUME_AT);
    const second = setup(config);
    try {
      const resumed = await train({ config, model: second.model, data: second.data, resume: checkpoint });
      expectClose(resumed.metrics.train.map((p) => p.loss), ref.losses, `${preset} resumed at ${RESUME_AT}`);
    } finally {
      second.model.dispose();
    }
  }, 120_000);
});
