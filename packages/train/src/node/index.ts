// @backprop/train/node: the Node-only half — run folders (atomic file writes), SVG rendering of the
// charts, loading the data from a path or the download cache, and a whole run as the CLI does it.
export { writeFileAtomic } from './atomic-write.js';
export { renderSvg } from './render-svg.js';
export { RunFolder, RUN_FILES, defaultRunDir, readCheckpoint } from './run-folder.js';
export { loadData, resolveDataPath, type LoadDataOptions } from './load-data.js';
export { runTraining, type RunTrainingOptions, type RunTrainingResult } from './run-training.js';
