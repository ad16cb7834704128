// Experiment `activation` (Part 2 of docs/reference-settings.md): ELU vs Tanh in a deeper MLP. The report argues that Tanh's
// derivative (≤ 1, and ≈ 0 when saturated) makes gradients vanish on the way back, so the first
// layers learn slower. Measured here: the L2 norm of every Linear layer's weight gradient over the
// steps, and the test accuracy, for each activation, same seed, same batches.
import { createDataSets, type LabelledData } from '@backprop/data';
import { CrossEntropyLoss, MLP, namedGradients, SGD } from '@backprop/layers';
import { tf } from '@backprop/tensor';
import { toTensors } from '../batch-tensors.js';
import type { ActivationName } from '../config.js';
import { evaluate } from '../evaluate.js';
import { LayersModel } from '../layers-model.js';
import type { VegaLiteSpec } from '../charts.js';
import { yieldToEventLoop } from '../yield.js';

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
  const [c, h, w] = data.train.shape;
  let completed = true;
  for (const activation of o.activations) {
    // Fresh data sets per activation: both see the same batches in the same order.
    const sets = createDataSets(data, { normalization: 'mean-image', layout: 'flat', oneHot: false, seed: o.seed });
    const module = new MLP(c * h * w, o.hiddenUnits, data.classNames.length, { activation, seed: o.seed });
    const optimizer = new SGD(module, { lr: o.learningRate });
    const model = new LayersModel({ module, optimizer, layout: 'flat', description: `MLP (${activation})` });
    const criterion = new CrossEntropyLoss();
    const weights = module.namedParameters().filter(([name, v]) => name.endsWith('.weight') && v.rank === 2).map(([name]) => name);
    const recordEval = (step: number) => {
      const r = evaluate(model, sets.test, o.evalBatchSize);
      accuracy.push({ activation, step, testAccuracy: r.accuracy });
      options.onProgress?.(`${activation}: step ${step}/${o.maxSteps}, test accuracy ${r.accuracy.toFixed(4)}`);
    };
    try {
      recordEval(0);
      for (let step = 1; step <= o.maxSteps; step++) {
        if (options.signal?.aborted) {
          completed = false;
          break;
        }
        const { x, y } = toTensors(sets.train.nextBatch(o.batchSize), { oneHot: false });
        module.train();
        const { value, grads } = namedGradients(module, () => criterion.forward(module.forward(x), y) as tf.Scalar);
        if (step === 1 || step % o.gradFreq === 0) {
          const norms = tf.tidy(() => tf.stack(weights.map((name) => tf.norm(grads.get(name)!))));
          const values = norms.dataSync();
          norms.dispose();
          weights.forEach((_, i) => gradNorms.push({ activation, step, layer: i + 1, norm: values[i]! }));
        }
        optimizer.applyGradients(grads); // by PyTorch name
        tf.dispose([x, y, value, ...grads.values()]);
        if (step % o.evalFreq === 0 || step === o.maxSteps) recordEval(step);
        await yieldToEventLoop();
      }
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
