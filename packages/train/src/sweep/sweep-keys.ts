// The training options a sweep may set, in a module of their own (no YAML parser), so that the web page
// can derive its settings from them without bundling the sweep-file reader (sweep/spec.ts).

/** Training options a sweep may fix or search (TrainConfig's fields, as in config.json). */
export const SWEEP_KEYS = [
  'hiddenUnits',
  'activation',
  'norm',
  'optimizer',
  'learningRate',
  'maxSteps',
  'batchSize',
  'evalFreq',
  'evalAtStart',
  'evalBatchSize',
  'seed',
] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];
