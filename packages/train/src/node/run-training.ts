// A whole run as the CLI does it: data sets → model → train loop → run folder (config, curves,
// checkpoints, model, summary). Node only; the loop itself (../trainer.ts) is not.
import type { LabelledData } from '@backprop/data';
import { buildModel } from '../build-model.js';
import type { Checkpoint } from '../checkpoint.js';
import type { TrainConfig } from '../config.js';
import { makeRunData } from '../data.js';
import type { TrainEvent } from '../events.js';
import { train, type TrainResult } from '../trainer.js';
import { defaultRunDir, RunFolder } from './run-folder.js';

export interface RunTrainingOptions {
  config: TrainConfig;
  data: LabelledData;
  /** Where the data came from, for the summary. */
  dataSource?: string;
  /** Run folder (created if missing); default `runs/<preset>-<timestamp>`. */
  out?: string;
  /** Continue this checkpoint (its folder is the natural `out`). */
  resume?: Checkpoint;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** Backend description for the summary, e.g. 'wasm (SIMD, 1 thread)'. */
  backend?: string;
}

export interface RunTrainingResult extends TrainResult {
  dir: string;
  description: string;
  numParameters: number;
}

export async function runTraining(options: RunTrainingOptions): Promise<RunTrainingResult> {
  const { config, data, resume, signal, onEvent } = options;
  const runData = makeRunData(data, config);
  const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
  try {
    const folder = await RunFolder.create(options.out ?? defaultRunDir(config.preset));
    await folder.writeConfig(config);
    const summary = (reason: 'completed' | 'stopped' | 'running', c: { step: number; elapsedMs: number; metrics: Checkpoint['metrics'] }) =>
      folder.writeSummary({
        config,
        description: model.description,
        numParameters: model.numParameters(),
        reason,
        ...c,
        backend: options.backend,
        dataSource: options.dataSource,
      });
    const result = await train({
      config,
      model,
      data: runData,
      resume,
      signal,
      onEvent,
      onCheckpoint: async (c) => {
        await folder.writeCheckpoint(c);
        await summary('running', c);
      },
    });
    await folder.writeMetrics(result.metrics, config.preset);
    await summary(result.reason, result);
    return { ...result, dir: folder.dir, description: model.description, numParameters: model.numParameters() };
  } finally {
    model.dispose();
  }
}
