// The trainer's observation hook: per-layer gradient and activation statistics of the step itself,
// for the manual MLP, the autograd MLPs and the CNN; the same step (same numbers) as without it,
// no tensor left behind, and not run at all without an observer.
import { CrossEntropyLoss, MLP, namedGradients } from '@backprop/layers';
import { initBackend, tf } from '@backprop/tensor';
import { leakedTensors } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toTensors } from './batch-tensors.js';
import { buildModel } from './build-model.js';
import type { TrainConfig } from './config.js';
import { makeRunData } from './data.js';
import { presetConfig } from './presets.js';
import type { StepStats } from './step-stats.js';
import type { TensorMap } from './trainable-model.js';
import { syntheticData } from './test-support/synthetic.js';
import { train } from './trainer.js';

beforeAll(async () => {
  await initBackend();
});

const small = syntheticData();
const images = syntheticData({ shape: [3, 32, 32], train: 16, test: 4 });
const common = { evalFreq: 1000, evalAtStart: false, evalBatchSize: 8 } as const;

const cases: Array<{ name: string; config: TrainConfig; data: typeof small; activations: string[]; saturating: string[] }> = [
  {
    name: 'mlp-manual',
    config: presetConfig('mlp-manual', { ...common, hiddenUnits: [16, 8], maxSteps: 4, batchSize: 20, learningRate: 1e-2 }),
    data: small,
    activations: ['layers.0', 'layers.1', 'layers.2', 'layers.3', 'layers.4'],
    saturating: ['layers.1', 'layers.3'],
  },
  {
    name: 'mlp-tuned (BatchNorm, Adam)',
    config: presetConfig('mlp-tuned', { ...common, hiddenUnits: [16, 8], maxSteps: 4, batchSize: 20 }),
    data: small,
    activations: ['layers.0', 'layers.1', 'layers.2', 'layers.3', 'layers.4', 'layers.5', 'layers.6'],
    saturating: ['layers.1', 'layers.4'],
  },
  {
    name: 'cnn',
    config: presetConfig('cnn', { ...common, maxSteps: 2, batchSize: 4, evalBatchSize: 4 }),
    data: images,
    // features.0 … features.19 (features.20 is Flatten), then the classifier
    activations: [...Array.from({ length: 20 }, (_, i) => `features.${i}`), 'classifier'],
    saturating: ['features.19'],
  },
];

/** Same names, shapes and bytes (a byte compare: a deep toEqual over the CNN's millions of floats takes minutes). */
function sameState(a: TensorMap, b: TensorMap): boolean {
  const bytes = (t: TensorMap extends Map<string, infer T> ? T : never) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return a.size === b.size && [...a].every(([name, t]) => {
    const u = b.get(name);
    return u != null && t.dtype === u.dtype && t.shape.join() === u.shape.join() && bytes(t).equals(bytes(u));
  });
}

function setup(config: TrainConfig, data: typeof small) {
  const runData = makeRunData(data, config);
  const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
  return { runData, model };
}

describe('train: the observation hook (observe)', () => {
  it.each(cases)('$name: gradient and activation statistics of step 1 and every 2nd step, the same run as without the hook, leak-free', async ({ config, data, activations, saturating }) => {
    const observed = setup(config, data);
    const plain = setup(config, data);
    const seen: StepStats[] = [];
    const spyPlain = vi.spyOn(plain.model, 'trainStepWithStats');
    try {
      const withHook = await train({ config, model: observed.model, data: observed.runData, observe: { every: 2, onStats: (s) => seen.push(s) } });
      const without = await train({ config, model: plain.model, data: plain.runData });
      // The hook measures the step; it does not change it: same losses, same parameters.
      expect(withHook.metrics.train).toEqual(without.metrics.train);
      expect(sameState(observed.model.stateDict(), plain.model.stateDict())).toBe(true);
      // Off costs nothing: the unobserved run never took the measuring path.
      expect(spyPlain).not.toHaveBeenCalled();
      expect(seen.map((s) => s.step)).toEqual(config.maxSteps === 4 ? [1, 2, 4] : [1, 2]);
      const paramNames = [...observed.model.stateDict().keys()].filter((k) => !/running_|num_batches/.test(k));
      for (const s of seen) {
        expect(s.gradients.map((g) => g.name)).toEqual(paramNames);
        expect(s.gradients.every((g) => Number.isFinite(g.l2) && g.l2 > 0 && Number.isFinite(g.mean) && g.std > 0)).toBe(true);
        expect(s.activations.map((a) => a.name)).toEqual(activations);
        expect(s.activations.every((a) => Number.isFinite(a.mean) && Number.isFinite(a.std) && a.zeroFraction >= 0 && a.zeroFraction <= 1)).toBe(true);
        expect(s.activations.filter((a) => a.saturatedFraction != null).map((a) => a.name)).toEqual(saturating);
      }
      // No tensor left by observed steps (the optimizer's state exists by now: Adam makes it on step 1).
      const batch = observed.runData.train.nextBatch(config.batchSize);
      expect(leakedTensors(() => observed.model.trainStepWithStats(batch))).toBe(0);
      expect(leakedTensors(() => observed.model.trainStepWithStats(batch))).toBe(0);
      // …nor by a whole observed run (every step observed).
      const before = tf.memory().numTensors;
      await train({ config, model: observed.model, data: observed.runData, observe: { every: 1, onStats: () => {} } });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      observed.model.dispose();
      plain.model.dispose();
    }
  }, 120_000);

  it("the manual MLP's statistics are its step's true gradients and activations (checked against tfjs autograd on the same weights)", () => {
    const config = cases[0]!.config;
    const { runData, model } = setup(config, small);
    const reference = new MLP(48, [16, 8], 3, { activation: 'elu' });
    try {
      const batch = runData.train.nextBatch(config.batchSize);
      reference.layers.train();
      for (const [name, v] of reference.namedParameters()) {
        const t = model.stateDict().get(name)!;
        v.assign(tf.tensor(t.data as Float32Array, t.shape));
      }
      const { x, y } = toTensors(batch, { oneHot: false, numClasses: 3 });
      const criterion = new CrossEntropyLoss();
      const { value, grads } = namedGradients(reference, () => criterion.forward(reference.forward(x), y) as tf.Scalar);
      // The ELU output of the first hidden layer, by hand.
      const elu1 = tf.tidy(() => reference.layers.at(1).forward(reference.layers.at(0).forward(x)));
      const h = Array.from(elu1.dataSync());
      const { stats } = model.trainStepWithStats(batch);
      for (const g of stats.gradients) {
        const expected = Array.from(grads.get(g.name)!.dataSync());
        const l2 = Math.hypot(...expected);
        const mean = expected.reduce((s, v) => s + v, 0) / expected.length;
        expect(g.l2, g.name).toBeCloseTo(l2, 4);
        expect(g.mean, g.name).toBeCloseTo(mean, 5);
      }
      const mean = h.reduce((s, v) => s + v, 0) / h.length;
      const std = Math.sqrt(h.reduce((s, v) => s + (v - mean) ** 2, 0) / h.length);
      const layer1 = stats.activations.find((a) => a.name === 'layers.1')!;
      expect(layer1.mean).toBeCloseTo(mean, 5);
      expect(layer1.std).toBeCloseTo(std, 5);
      expect(layer1.saturatedFraction).toBeCloseTo(h.filter((v) => v < -0.99).length / h.length, 6);
      tf.dispose([x, y, value, elu1, ...grads.values()]);
    } finally {
      model.dispose();
      reference.dispose();
    }
  });

  it('refuses an observer without a positive integer `every`', async () => {
    const { runData, model } = setup(cases[0]!.config, small);
    try {
      await expect(train({ config: cases[0]!.config, model, data: runData, observe: { every: 0, onStats: () => {} } })).rejects.toThrow('train: observe.every must be a positive integer, got 0');
    } finally {
      model.dispose();
    }
  });
});
