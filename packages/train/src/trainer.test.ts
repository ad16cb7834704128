import { initBackend, tf } from '@backprop/tensor';
import { leakedTensors } from '@backprop/tensor/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model.js';
import type { Checkpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { makeRunData } from './data.js';
import type { TrainEvent } from './events.js';
import { metricsToCsv } from './metrics.js';
import { presetConfig } from './presets.js';
import { syntheticData } from './test-support/synthetic.js';
import { train, type TrainOptions } from './trainer.js';

beforeAll(async () => {
  await initBackend();
});

const data = syntheticData();

const configs = {
  manual: presetConfig('mlp-manual', { hiddenUnits: [16], maxSteps: 30, batchSize: 20, evalFreq: 10, evalBatchSize: 25, learningRate: 1e-2 }),
  tuned: presetConfig('mlp-tuned', { hiddenUnits: [16, 8], maxSteps: 30, batchSize: 20, evalFreq: 10, evalBatchSize: 25 }),
};

/** One run on fresh data sets and a fresh model; returns the result, events and checkpoints. */
async function run(config: TrainConfig, extra: Partial<TrainOptions> = {}) {
  const runData = makeRunData(data, config);
  const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
  const events: TrainEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  try {
    const result = await train({
      config,
      model,
      data: runData,
      onEvent: (e) => events.push(e),
      onCheckpoint: (c) => void checkpoints.push(c),
      ...extra,
    });
    return { result, events, checkpoints };
  } finally {
    model.dispose();
  }
}

describe('train', () => {
  it.each(Object.entries(configs))('%s: evaluates at 0, every evalFreq and the end, and learns the synthetic classes', async (_, config) => {
    const { result, events } = await run(config);
    expect(result.reason).toBe('completed');
    expect(result.step).toBe(30);
    expect(result.metrics.train.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(result.metrics.eval.map((p) => p.step)).toEqual([0, 10, 20, 30]);
    expect(result.metrics.eval[0]!.testLoss).toBeGreaterThan(result.finalEval!.testLoss + 0.2);
    expect(result.finalEval!.testAccuracy).toBeGreaterThan(0.9);
    // The training loss falls: mean of the last 5 steps below the first step's.
    const last5 = result.metrics.train.slice(-5).reduce((s, p) => s + p.loss, 0) / 5;
    expect(last5).toBeLessThan(result.metrics.train[0]!.loss);
    // Event order: start, eval 0, then steps with evals after every 10th, done last.
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('done');
    const kinds = events.filter((e) => e.type === 'eval' || e.type === 'step').map((e) => (e.type === 'eval' ? `e${e.step}` : `s${e.step}`));
    expect(kinds.slice(0, 3)).toEqual(['e0', 's1', 's2']);
    expect(kinds.slice(10, 13)).toEqual(['s10', 'e10', 's11']);
    const step = events.find((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step' && e.step === 12)!;
    expect(step.lastTestAccuracy).toBe(result.metrics.eval[1]!.testAccuracy);
    expect(step.stepsPerSecond).toBeGreaterThan(0);
  });

  it('with evalAtStart false skips only the step-0 evaluation, and the metrics of the steps are unchanged', async () => {
    const full = await run(configs.manual);
    const skipped = await run({ ...configs.manual, evalAtStart: false });
    expect(skipped.result.metrics.eval.map((p) => p.step)).toEqual([10, 20, 30]);
    expect(skipped.result.metrics.train).toEqual(full.result.metrics.train);
    expect(skipped.result.metrics.eval).toEqual(full.result.metrics.eval.slice(1));
  });

  it('each evaluation event carries the confusion matrix of the whole test set, agreeing with its accuracy', async () => {
    const { events } = await run({ ...configs.manual, maxSteps: 10, evalBatchSize: 7 });
    const evals = events.filter((e): e is Extract<TrainEvent, { type: 'eval' }> => e.type === 'eval');
    expect(evals).toHaveLength(2);
    for (const e of evals) {
      expect(e.confusion).toHaveLength(3 * 3);
      expect(e.confusion.reduce((a, b) => a + b, 0)).toBe(60); // every test example, in chunks of 7
      const diagonal = e.confusion[0]! + e.confusion[4]! + e.confusion[8]!;
      expect(diagonal / 60).toBeCloseTo(e.testAccuracy, 12);
      for (let c = 0; c < 3; c++) expect(e.confusion[c * 3]! + e.confusion[c * 3 + 1]! + e.confusion[c * 3 + 2]!).toBe(20); // 20 per class
    }
  });

  it('evaluates the whole test set: accuracy is a multiple of 1/60 and does not depend on the chunk size', async () => {
    const a = await run({ ...configs.manual, maxSteps: 10, evalBatchSize: 7 });
    const b = await run({ ...configs.manual, maxSteps: 10, evalBatchSize: 60 });
    for (const p of a.result.metrics.eval) expect(Math.abs(p.testAccuracy * 60 - Math.round(p.testAccuracy * 60))).toBeLessThan(1e-9);
    expect(a.result.metrics.eval.map((p) => p.testAccuracy)).toEqual(b.result.metrics.eval.map((p) => p.testAccuracy));
    a.result.metrics.eval.forEach((p, i) => expect(p.testLoss).toBeCloseTo(b.result.metrics.eval[i]!.testLoss, 5));
  });

  it('same seed twice gives identical metrics.csv; another seed does not', async () => {
    const one = metricsToCsv((await run(configs.tuned)).result.metrics);
    const two = metricsToCsv((await run(configs.tuned)).result.metrics);
    const other = metricsToCsv((await run({ ...configs.tuned, seed: 43 })).result.metrics);
    expect(two).toBe(one);
    expect(other).not.toBe(one);
  });

  it.each(Object.entries(configs))('%s: resuming from a checkpoint gives exactly the uninterrupted metrics', async (_, config) => {
    const full = await run(config);
    expect(full.checkpoints.map((c) => c.step)).toEqual([0, 10, 20, 30]);
    const resumed = await run(config, { resume: full.checkpoints[1] });
    expect(resumed.result.metrics).toEqual(full.result.metrics);
    expect(resumed.events[0]).toMatchObject({ type: 'start', startStep: 10 });
  });

  it('stops on the AbortSignal after the current step, checkpoints there, and resumes to the same result', async () => {
    const config = configs.tuned;
    const full = await run(config);
    const controller = new AbortController();
    const stopped = await run(config, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 13) controller.abort();
      },
    });
    expect(stopped.result.reason).toBe('stopped');
    expect(stopped.result.step).toBe(13);
    expect(stopped.result.metrics.train).toHaveLength(13);
    expect(stopped.result.metrics.eval.map((p) => p.step)).toEqual([0, 10]);
    expect(stopped.checkpoints.at(-1)!.step).toBe(13);
    const resumed = await run(config, { resume: stopped.checkpoints.at(-1) });
    expect(resumed.result.reason).toBe('completed');
    expect(resumed.result.metrics).toEqual(full.result.metrics);
  });

  it('refuses to resume with a config that changes the math, naming the field', async () => {
    const { checkpoints } = await run({ ...configs.manual, maxSteps: 10 });
    await expect(run({ ...configs.manual, learningRate: 0.5 }, { resume: checkpoints.at(-1) })).rejects.toThrow(/learningRate \(checkpoint 0\.01, now 0\.5\)/);
    // maxSteps may grow: continue a finished run.
    const more = await run({ ...configs.manual, maxSteps: 20 }, { resume: checkpoints.at(-1) });
    expect(more.result.metrics.eval.map((p) => p.step)).toEqual([0, 10, 20]);
  });

  it('leaves no tensors behind: per step, per evaluation, and for a whole run', async () => {
    for (const config of Object.values(configs)) {
      const runData = makeRunData(data, config);
      const before = tf.memory().numTensors;
      const model = buildModel(config, { recordShape: runData.recordShape, nClasses: 3 });
      const batch = runData.train.nextBatch(config.batchSize);
      model.trainStep(batch); // Adam makes its moments on the first step
      expect(leakedTensors(() => model.trainStep(batch))).toBe(0);
      expect(leakedTensors(() => model.trainStep(batch))).toBe(0);
      expect(leakedTensors(() => model.evaluate(runData.test.slice(0, 25)))).toBe(0);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    const before = tf.memory().numTensors;
    await run(configs.tuned);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(Object.entries(configs))('%s: predict gives [N, K] logits whose arg-max matches evaluate; setLearningRate acts like a config lr', async (_, config) => {
    const runData = makeRunData(data, config);
    const shape = { recordShape: runData.recordShape, nClasses: 3 };
    const model = buildModel(config, shape);
    const doubled = buildModel({ ...config, learningRate: 2 * config.learningRate }, shape);
    try {
      const batch = runData.train.nextBatch(config.batchSize);
      model.setLearningRate(2 * config.learningRate);
      model.trainStep(batch);
      doubled.trainStep(batch);
      expect([...model.stateDict()]).toEqual([...doubled.stateDict()]);
      const test = runData.test.slice(0, 25);
      let scores: Float32Array = new Float32Array(0);
      expect(leakedTensors(() => void (scores = model.predict(test)))).toBe(0);
      expect(scores).toHaveLength(25 * 3);
      let hits = 0;
      for (let i = 0; i < 25; i++) {
        const row = Array.from(scores.subarray(i * 3, i * 3 + 3));
        if (row.indexOf(Math.max(...row)) === test.labels[i]) hits++;
      }
      expect(hits).toBe(model.evaluate(test).correct);
      expect(() => model.setLearningRate(0)).toThrow('setLearningRate: lr must be a positive finite number, got 0');
    } finally {
      model.dispose();
      doubled.dispose();
    }
  });
});


describe('train: divergence', () => {
  const finite = (c: Checkpoint) => [...c.model.values()].every((t) => t.dtype !== 'F32' || Array.from(t.data as Float32Array).every(Number.isFinite));

  it.each([
    ['manual', { ...configs.manual, learningRate: 1e3 }],
    ['tuned', { ...configs.tuned, learningRate: 1e3, optimizer: 'sgd' as const }],
  ])('%s: stops at the first non-finite step with reason diverged, an event, and no checkpoint of the broken model', async (_, config) => {
    const { result, events, checkpoints } = await run(config);
    expect(result.reason).toBe('diverged');
    const d = result.metrics.diverged!;
    expect(d.step).toBe(result.step);
    expect(d.step).toBeLessThan(config.maxSteps);
    // Every step before it was finite; the diverging step's loss is recorded as it was.
    expect(result.metrics.train).toHaveLength(d.step);
    expect(result.metrics.train.slice(0, -1).every((p) => Number.isFinite(p.loss))).toBe(true);
    expect(Object.is(result.metrics.train.at(-1)!.loss, d.loss)).toBe(true);
    if (d.cause === 'loss') expect(Number.isFinite(d.loss)).toBe(false);
    const diverged = events.find((e) => e.type === 'diverged');
    expect(diverged).toMatchObject({ type: 'diverged', step: d.step, cause: d.cause, lastCheckpointStep: checkpoints.at(-1)!.step });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'diverged', step: d.step, lastCheckpointStep: checkpoints.at(-1)!.step });
    expect(checkpoints.every((c) => c.step < d.step && finite(c))).toBe(true);
    expect(result.metrics.eval.every((p) => p.step < d.step)).toBe(true);
  });

  it('a run at a sane learning rate never reports divergence', async () => {
    const { result, events } = await run(configs.manual);
    expect(result.metrics.diverged).toBeUndefined();
    expect(events.some((e) => e.type === 'diverged')).toBe(false);
  });
});
