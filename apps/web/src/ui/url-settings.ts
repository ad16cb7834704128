// Settings in the address bar, so a configuration can be shared: `?preset=mlp&lr=0.01&steps=500`.
// Only what differs from the preset is written; unknown or malformed values are reported, not guessed.
import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES, presetConfig } from '@backprop/train';
import type { RunSettings } from '../protocol.js';

const KEYS = {
  hiddenUnits: 'hidden',
  activation: 'activation',
  norm: 'norm',
  optimizer: 'optimizer',
  learningRate: 'lr',
  maxSteps: 'steps',
  batchSize: 'batch',
  evalFreq: 'eval',
  evalAtStart: 'eval0',
  seed: 'seed',
} as const satisfies Record<Exclude<keyof RunSettings, 'preset'>, string>;

/** Writes `settings` into `params` (keeping others such as `data` and `threads`). */
export function writeSettings(params: URLSearchParams, settings: RunSettings): URLSearchParams {
  const base = presetConfig(settings.preset);
  params.set('preset', settings.preset);
  for (const [field, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
    const value = settings[field];
    const same = JSON.stringify(value) === JSON.stringify(base[field]);
    if (same) params.delete(key);
    else params.set(key, Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return params;
}

/** Reads the settings a URL carries; `problems` names each value it could not read. */
export function readSettings(params: URLSearchParams): { values: Partial<RunSettings>; problems: string[] } {
  const values: Partial<RunSettings> = {};
  const problems: string[] = [];
  const num = (key: string, set: (v: number) => void) => {
    const raw = params.get(key);
    if (raw == null) return;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) problems.push(`${key}=${raw} (expected a number)`);
    else set(v);
  };
  num(KEYS.learningRate, (v) => (values.learningRate = v));
  num(KEYS.maxSteps, (v) => (values.maxSteps = v));
  num(KEYS.batchSize, (v) => (values.batchSize = v));
  num(KEYS.evalFreq, (v) => (values.evalFreq = v));
  num(KEYS.seed, (v) => (values.seed = v));
  const hidden = params.get(KEYS.hiddenUnits);
  if (hidden != null) {
    const units = hidden.split(',').map((s) => Number(s.trim()));
    if (units.some((u) => !Number.isInteger(u) || u < 1)) problems.push(`hidden=${hidden} (expected positive integers separated by commas)`);
    else values.hiddenUnits = units;
  }
  const choice = <T extends string>(key: string, allowed: readonly T[], set: (v: T) => void) => {
    const raw = params.get(key);
    if (raw == null) return;
    if ((allowed as readonly string[]).includes(raw)) set(raw as T);
    else problems.push(`${key}=${raw} (expected ${allowed.join(', ')})`);
  };
  choice(KEYS.activation, ACTIVATION_NAMES, (v) => (values.activation = v));
  choice(KEYS.norm, NORM_NAMES, (v) => (values.norm = v));
  choice(KEYS.optimizer, OPTIMIZER_NAMES, (v) => (values.optimizer = v));
  choice(KEYS.evalAtStart, ['0', '1'] as const, (v) => (values.evalAtStart = v === '1'));
  return { values, problems };
}
