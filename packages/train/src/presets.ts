// The four runs of the assignment (Parts 1, 2 and 4 of docs/reference-settings.md, and its tuned Part 2 model `mlp-tuned`) as
// partial configs over DEFAULT_CONFIG.
import { DEFAULT_CONFIG, validateConfig, type TrainConfig } from './config.js';

export const PRESETS = {
  /** Part 1: 3072-100-10 ELU MLP, hand-written backward, SGD lr 1e-3, 1400 × 200, eval every 100 (report ≈ 0.48). */
  'mlp-manual': { model: 'manual-mlp' },
  /** Part 2: the same MLP on autograd (PyTorch's default init), same defaults, SGD (report ≈ 0.48). */
  mlp: { model: 'mlp' },
  /** Part 2 tuned (docs/reference-settings.md): 2×100, BatchNorm after each ELU, Adam, 3000 steps (expected ≈ 0.54). */
  'mlp-tuned': { model: 'mlp', hiddenUnits: [100, 100], norm: 'batch', optimizer: 'adam', learningRate: 1e-3, maxSteps: 3000 },
  /** Part 4: the pre-activation CNN, Adam lr 1e-4, batch 32, 5000 steps, eval every 500 (report ≈ 0.80). */
  cnn: { model: 'cnn', optimizer: 'adam', learningRate: 1e-4, batchSize: 32, maxSteps: 5000, evalFreq: 500, evalBatchSize: 200 },
} as const satisfies Record<string, Partial<TrainConfig>>;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, name);
}

/** The full config of a preset with `overrides` applied on top, validated. */
export function presetConfig(name: string, overrides: Partial<TrainConfig> = {}): TrainConfig {
  if (!isPresetName(name)) throw new Error(`presetConfig: unknown preset '${name}', expected one of ${PRESET_NAMES.join(', ')}`);
  const preset = PRESETS[name] as Partial<TrainConfig>;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<TrainConfig>;
  return validateConfig({
    ...DEFAULT_CONFIG,
    ...preset,
    hiddenUnits: [...(preset.hiddenUnits ?? DEFAULT_CONFIG.hiddenUnits)],
    ...defined,
    preset: name,
  });
}
