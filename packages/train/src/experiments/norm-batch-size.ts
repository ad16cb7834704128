// Experiment `norm-batch-size`: BatchNorm vs LayerNorm vs no normalisation in the 2×100 ELU MLP
// (Adam), for batch sizes from 1 to 512, each trained on the same number of examples and then
// evaluated on the whole test set. BatchNorm's statistics come from the batch, so they get noisy
// for small batches (and are undefined for a batch of 1, as in PyTorch); LayerNorm's come from each
// example alone, so it should not care about the batch size.
import type { LabelledData } from '@backprop/data';
import { buildModel } from '../build-model.js';
import type { VegaLiteSpec } from '../charts.js';
import type { NormName } from '../config.js';
import { makeRunData } from '../data.js';
import { presetConfig } from '../presets.js';
import { train } from '../trainer.js';

export interface NormBatchSizeOptions {
  norms?: NormName[];
  batchSizes?: number[];
  /** Training examples per run: steps = ceil(examples / batch size). */
  examples?: number;
  hiddenUnits?: number[];
  learningRate?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface NormBatchSizeRow {
  norm: NormName;
  batchSize: number;
  steps: number;
  /** Null when the combination cannot run (BatchNorm with a batch of 1) or was stopped. */
  testAccuracy: number | null;
  note: string;
  wallMs: number;
}

export interface NormBatchSizeResult {
  options: Required<Omit<NormBatchSizeOptions, 'signal' | 'onProgress'>>;
  rows: NormBatchSizeRow[];
  completed: boolean;
}

export async function normBatchSizeExperiment(data: LabelledData, options: NormBatchSizeOptions = {}): Promise<NormBatchSizeResult> {
  const o = {
    norms: options.norms ?? (['none', 'batch', 'layer'] as NormName[]),
    batchSizes: options.batchSizes ?? [1, 4, 16, 64, 256, 512],
    examples: options.examples ?? 50000,
    hiddenUnits: options.hiddenUnits ?? [100, 100],
    learningRate: options.learningRate ?? 1e-3,
    seed: options.seed ?? 42,
  };
  const rows: NormBatchSizeRow[] = [];
  let completed = true;
  outer: for (const batchSize of o.batchSizes) {
    for (const norm of o.norms) {
      const steps = Math.ceil(o.examples / batchSize);
      if (norm === 'batch' && batchSize === 1) {
        rows.push({ norm, batchSize, steps, testAccuracy: null, note: 'undefined: BatchNorm needs ≥ 2 examples per batch', wallMs: 0 });
        continue;
      }
      const config = presetConfig('mlp-tuned', {
        norm,
        batchSize,
        maxSteps: steps,
        evalFreq: steps, // evaluate at the end only (and at step 0)
        hiddenUnits: o.hiddenUnits,
        learningRate: o.learningRate,
        seed: o.seed,
      });
      const runData = makeRunData(data, config);
      const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
      const t = performance.now();
      try {
        const r = await train({ config, model, data: runData, signal: options.signal });
        const stopped = r.reason === 'stopped';
        rows.push({
          norm,
          batchSize,
          steps,
          testAccuracy: stopped ? null : (r.finalEval?.testAccuracy ?? null),
          note: stopped ? `stopped at step ${r.step}` : '',
          wallMs: performance.now() - t,
        });
        options.onProgress?.(`batch ${batchSize}, norm ${norm}: ${stopped ? 'stopped' : `test accuracy ${r.finalEval!.testAccuracy.toFixed(4)}`} (${steps} steps, ${((performance.now() - t) / 1000).toFixed(1)} s)`);
        if (stopped) {
          completed = false;
          break outer;
        }
      } finally {
        model.dispose();
      }
    }
  }
  return { options: o, rows, completed };
}

/** Test accuracy against batch size (log scale), one line per normalisation. */
export function normBatchSizeChartSpec(r: NormBatchSizeResult): VegaLiteSpec {
  const label: Record<NormName, string> = { none: 'none', batch: 'BatchNorm', layer: 'LayerNorm' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Test accuracy after ${r.options.examples.toLocaleString('en-US')} training examples`,
    background: 'white',
    width: 440,
    height: 280,
    data: { values: r.rows.filter((x) => x.testAccuracy != null).map((x) => ({ ...x, norm: label[x.norm] })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'batchSize', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'batch size' },
      y: { field: 'testAccuracy', type: 'quantitative', title: 'test accuracy', scale: { zero: false } },
      color: { field: 'norm', type: 'nominal', title: 'normalisation' },
    },
  };
}
