// Experiment `activation` (Part 2 of docs/reference-settings.md): ELU vs Tanh in a deeper MLP. The report argues that Tanh's
// derivative (≤ 1, and ≈ 0 when saturated) makes gradients vanish on the way back, so the first
// layers learn slower. Measured here: the L2 norm of every Linear layer's weight gradient over the
// steps, and the test accuracy, for each activation, same seed, same batches. Each activation is
// one ordinary run of the trainer (`train`); the gradient norms come from its observation hook.
import type { LabelledData } from '@backprop/data';
import { buildModel } from '../build-model.js';
import { DEFAULT_CONFIG, type ActivationName, type TrainConfig } from '../config.js';
import { makeRunData } from '../data.js';
import type { VegaLiteSpec } from '../charts.js';
import { train } from '../trainer.js';

export interface ActivationExperimentOptions {
  activations?: ActivationName[];
  /** Hidden widths (default four layers of 100). */
  hiddenUnits?: number[];
  maxSteps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Test-set evaluation every this many steps. */
  evalFreq?: number;
  /** Gradient norms recorded every this many steps (and at step 1). */
  gradFreq?: number;
  evalBatchSize?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface GradNormPoint {
  activation: ActivationName;
  step: number;
  /** 1 = the first Linear (next to the input). */
  layer: number;
  norm: number;
}

export interface ActivationAccuracyPoint {
  activation: ActivationName;
  step: number;
  testAccuracy: number;
}

export interface ActivationExperimentResult {
  options: Required<Omit<ActivationExperimentOptions, 'signal' | 'onProgress'>>;
  gradNorms: GradNormPoint[];
  accuracy: ActivationAccuracyPoint[];
  /** False when stopped by the signal. */
  completed: boolean;
}

export async function activationExperiment(data: LabelledData, options: ActivationExperimentOptions = {}): Promise<ActivationExperimentResult> {
  const o = {
    activations: options.activations ?? (['elu', 'tanh'] as ActivationName[]),
    hiddenUnits: options.hiddenUnits ?? [100, 100, 100, 100],
    maxSteps: options.maxSteps ?? 1000,
    batchSize: options.batchSize ?? 200,
    learningRate: options.learningRate ?? 1e-3,
    evalFreq: options.evalFreq ?? 100,
    gradFreq: options.gradFreq ?? 10,
    evalBatchSize: options.evalBatchSize ?? 1000,
    seed: options.seed ?? 42,
  };
  const gradNorms: GradNormPoint[] = [];
  const accuracy: ActivationAccuracyPoint[] = [];
  let completed = true;
  for (const activation of o.activations) {
    // Fresh data sets per activation (makeRunData): both see the same batches in the same order.
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      preset: 'activation-experiment',
      model: 'mlp',
      hiddenUnits: o.hiddenUnits,
      activation,
      norm: 'none',
      optimizer: 'sgd',
      learningRate: o.learningRate,
      maxSteps: o.maxSteps,
      batchSize: o.batchSize,
      evalFreq: o.evalFreq,
      evalAtStart: true,
      evalBatchSize: o.evalBatchSize,
      seed: o.seed,
      normalization: 'mean-image',
    };
    const runData = makeRunData(data, config);
    const model = buildModel(config, { recordShape: runData.recordShape, nClasses: data.classNames.length });
    try {
      const result = await train({
        config,
        model,
        data: runData,
        signal: options.signal,
        onEvent: (e) => {
          if (e.type !== 'eval') return;
          accuracy.push({ activation, step: e.step, testAccuracy: e.testAccuracy });
          options.onProgress?.(`${activation}: step ${e.step}/${o.maxSteps}, test accuracy ${e.testAccuracy.toFixed(4)}`);
        },
        observe: {
          every: o.gradFreq,
          onStats: ({ step, gradients }) => {
            // The Linear weights ([out, in], rank 2) in order: layer 1 is next to the input.
            const weights = gradients.filter((g) => g.name.endsWith('.weight'));
            weights.forEach((g, i) => gradNorms.push({ activation, step, layer: i + 1, norm: g.l2 }));
          },
        },
      });
      if (result.reason === 'stopped') completed = false;
    } finally {
      model.dispose();
    }
    if (!completed) break;
  }
  return { options: o, gradNorms, accuracy, completed };
}

/** Mean weight-gradient norm per (activation, layer) over the first and the last tenth of the steps. */
export function activationTable(r: ActivationExperimentResult): Array<{ activation: ActivationName; layer: number; early: number; late: number }> {
  const tenth = Math.max(1, Math.floor(r.options.maxSteps / 10));
  const rows: Array<{ activation: ActivationName; layer: number; early: number; late: number }> = [];
  const lastStep = Math.max(0, ...r.gradNorms.map((p) => p.step));
  for (const activation of r.options.activations) {
    const layers = [...new Set(r.gradNorms.filter((p) => p.activation === activation).map((p) => p.layer))];
    for (const layer of layers) {
      const pts = r.gradNorms.filter((p) => p.activation === activation && p.layer === layer);
      const mean = (ps: GradNormPoint[]) => ps.reduce((s, p) => s + p.norm, 0) / Math.max(1, ps.length);
      rows.push({ activation, layer, early: mean(pts.filter((p) => p.step <= tenth)), late: mean(pts.filter((p) => p.step > lastStep - tenth)) });
    }
  }
  return rows;
}

/** Gradient norm per layer over the steps, one panel per activation, log scale. */
export function gradNormChartSpec(r: ActivationExperimentResult): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Weight-gradient L2 norm per layer',
    background: 'white',
    data: { values: r.gradNorms.filter((p) => p.norm > 0).map((p) => ({ ...p, layer: `layer ${p.layer}` })) },
    facet: { column: { field: 'activation', type: 'nominal', title: null } },
    spec: {
      width: 320,
      height: 260,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'norm', type: 'quantitative', scale: { type: 'log' }, title: '‖∂L/∂W‖₂' },
        color: { field: 'layer', type: 'nominal', title: 'Linear layer (1 = input side)', legend: { titleLimit: 300 } },
      },
    },
  };
}

/** Test accuracy over the steps, one line per activation. */
export function activationAccuracyChartSpec(r: ActivationExperimentResult): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Test accuracy',
    background: 'white',
    width: 420,
    height: 260,
    data: { values: r.accuracy },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      y: { field: 'testAccuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
      color: { field: 'activation', type: 'nominal' },
    },
  };
}
