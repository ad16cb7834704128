// @backprop/train/node: the Node-only half — run folders (atomic file writes), SVG rendering of the
// charts, loading the data from a path or the download cache, and a whole run as the CLI does it.
export { writeFileAtomic } from './atomic-write.js';
export { syncDir } from '@backprop/data';
export { dataSha256 } from './data-id.js';
export { renderSvg } from './render-svg.js';
export { RunFolder, RunFolderError, RUN_FILES, RUN_LOCK, defaultRunDir, createUniqueDir, checkRunDir, readCheckpoint, type RunDirOptions } from './run-folder.js';
export { loadData, resolveDataPath, type LoadDataOptions } from './load-data.js';
export { runTraining, checkResume, type RunTrainingOptions, type RunTrainingResult } from './run-training.js';
export {
  SWEEP_FILE,
  SweepFolderError,
  createSweepFolder,
  readSweepPlan,
  writeSweepPlan,
  writeOutcome,
  readOutcome,
  clearOutcome,
  readTrial,
  collectTrials,
  writeSweepResults,
  trialDir,
  outcomeFile,
  logFile,
  type SweepPlan,
  type TrialOutcome,
  type CollectedTrial,
} from './sweep/sweep-folder.js';
export { runPool, type PoolTask, type PoolOptions } from './sweep/sweep-pool.js';
export { slurmScript, submitSlurm, arraySpec, type SlurmOptions } from './sweep/slurm.js';
