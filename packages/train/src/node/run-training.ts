// A whole run as the CLI does it: data sets → model → train loop → run folder (config, curves,
// checkpoints, model, summary). Node only; the loop itself (../trainer.ts) is not.
//
// Before anything is written: the batch size must fit the data, and a resumed checkpoint must
// match the data (its recorded SHA-256), the steps (--max-steps not below its step) and hold only
// finite weights. Then the folder is opened (locked; see run-folder.ts) and the run goes.
import path from 'node:path';
import type { LabelledData } from '@backprop/data';
import { buildModel } from '../build-model.js';
import type { Checkpoint } from '../checkpoint.js';
import type { TrainConfig } from '../config.js';
import { makeRunData } from '../data.js';
import type { TrainEvent } from '../events.js';
import { train, type TrainResult } from '../trainer.js';
import { dataSha256 } from './data-id.js';
import { RunFolder } from './run-folder.js';

export interface RunTrainingOptions {
  config: TrainConfig;
  data: LabelledData;
  /** Where the data came from, for the summary and error messages. */
  dataSource?: string;
  /** Run folder (created if missing); default a new `runs/<preset>-<timestamp>[-k]`. */
  out?: string;
  /** Continue this checkpoint (its folder is the natural `out`). */
  resume?: Checkpoint;
  /**
   * The folder `resume` was read from. When `out` is another folder, that folder is a new record
   * (refused if it holds another run, unless `force`). Default: `out` is the checkpoint's folder.
   */
  resumeDir?: string;
  /** Overwrite another run's record in `out`. */
  force?: boolean;
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

/** Checks that a checkpoint can continue with this config and data; throws saying why not. */
export function checkResume(resume: Checkpoint, config: TrainConfig, dataId: string, source = 'the data given'): void {
  if (config.maxSteps < resume.step) {
    throw new Error(`--resume: --max-steps ${config.maxSteps} is below the checkpoint's step ${resume.step}; a run cannot be shortened (pass --max-steps ${resume.step} or more)`);
  }
  if (resume.dataSha256 && resume.dataSha256 !== dataId) {
    throw new Error(
      `--resume: ${source} is not the data this run trained on (its SHA-256 is ${dataId.slice(0, 16)}…, the checkpoint records ${resume.dataSha256.slice(0, 16)}…); pass the same --data as the run used`,
    );
  }
  for (const [name, t] of resume.model) {
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) continue;
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new Error(`--resume: the checkpoint's model holds ${t.data[i]} in ${name}[${i}]; it cannot be continued`);
  }
}

export async function runTraining(options: RunTrainingOptions): Promise<RunTrainingResult> {
  const { config, data, resume, signal, onEvent } = options;
  const runData = makeRunData(data, config);
  if (config.batchSize > runData.train.length) {
    throw new Error(`--batch-size ${config.batchSize} is larger than the training set (${runData.train.length} examples${options.dataSource ? ` in ${options.dataSource}` : ''})`);
  }
  const dataId = dataSha256(data);
  if (resume) checkResume(resume, config, dataId, options.dataSource);
  const resumeHere = resume != null && (options.resumeDir == null || options.out == null || samePath(options.out, options.resumeDir));
  const out = options.out ?? (resume ? options.resumeDir : undefined);
  const model = buildModel(config, { recordShape: runData.recordShape, nClasses: runData.classNames.length });
  let opened: RunFolder | undefined;
  try {
    const folder = (opened = await RunFolder.open(out, { preset: config.preset, resume: resumeHere, force: options.force }));
    const summary = (reason: 'completed' | 'stopped' | 'running' | 'saving' | 'diverged', c: { step: number; elapsedMs: number; metrics: Checkpoint['metrics']; lastCheckpointStep?: number }) =>
      folder.writeSummary({
        config,
        description: model.description,
        numParameters: model.numParameters(),
        reason,
        ...c,
        backend: options.backend,
        dataSource: options.dataSource,
      });
    await folder.writeConfig(config);
    if (resume) {
      // The checkpoint is the record: a kill mid-save may have left the model and curves at
      // another step, and a resume into a new folder has none yet.
      folder.lastSavedStep = resume.step;
      await folder.writeCheckpoint({ ...resume, dataSha256: resume.dataSha256 ?? dataId });
      await summary('running', resume);
    }
    const result = await train({
      config,
      model,
      data: runData,
      resume,
      signal,
      onEvent,
      onCheckpoint: async (c) => {
        await summary('saving', c);
        await folder.writeCheckpoint({ ...c, dataSha256: dataId });
        await summary('running', c);
      },
    });
    // The curves go up to the last step run (a diverged run's NaN loss included); a diverged run's
    // model.safetensors / checkpoint.safetensors stay those of its last (finite) checkpoint.
    await folder.writeMetrics(result.metrics, config.preset);
    await summary(result.reason, result);
    return { ...result, dir: folder.dir, description: model.description, numParameters: model.numParameters() };
  } catch (err) {
    await opened?.abandon();
    throw err;
  } finally {
    model.dispose();
    await opened?.release();
  }
}

const samePath = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);
