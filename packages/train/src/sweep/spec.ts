// A sweep file: which preset to start from, which training options to fix, which to search over
// (a grid, and/or seeded random draws), the metric that ranks the trials and the trial budget.
// YAML or JSON (JSON is YAML); every mistake is an error naming the key, the expected and the actual.
//
//   name: mlp-search           # optional; the sweep folder's default name
//   base: mlp                  # a preset (backprop train's presets)
//   metric: best_accuracy      # or final_accuracy (default best_accuracy)
//   trials: 24                 # budget; default: the grid's size (required with random)
//   seed: 1                    # seed of the random draws (default 0)
//   data: ../shared/data       # optional; relative to the sweep file
//   set: { maxSteps: 2000, evalFreq: 500 }        # fixed options for every trial
//   grid: { optimizer: [sgd, adam], norm: [none, batch] }
//   random:
//     learningRate: { logUniform: [1.0e-4, 1.0e-2] }
//     hiddenUnits: { choice: [[100], [200], [100, 100]] }
//     batchSize: { intUniform: [64, 256] }
import { parse as parseYaml } from 'yaml';
import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES } from '../config.js';
import { PRESET_NAMES, isPresetName } from '../presets.js';
import { SWEEP_KEYS, type SweepKey } from './sweep-keys.js';

export { SWEEP_KEYS, type SweepKey };

export type SweepValue = string | number | boolean | number[];

/** How a random option is drawn. */
export type Distribution =
  | { kind: 'choice'; values: SweepValue[] }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'logUniform'; low: number; high: number }
  | { kind: 'intUniform'; low: number; high: number };

export const METRICS = ['best_accuracy', 'final_accuracy'] as const;
export type SweepMetric = (typeof METRICS)[number];

export interface SweepSpec {
  name: string;
  base: string;
  metric: SweepMetric;
  trials: number;
  seed: number;
  /** As written in the file (relative paths are relative to the file; the CLI resolves them). */
  data?: string;
  set: Partial<Record<SweepKey, SweepValue>>;
  grid: Partial<Record<SweepKey, SweepValue[]>>;
  random: Partial<Record<SweepKey, Distribution>>;
}

export class SweepSpecError extends Error {
  override name = 'SweepSpecError';
}

const TOP_KEYS = ['name', 'base', 'metric', 'trials', 'seed', 'data', 'set', 'grid', 'random'] as const;
const DISTRIBUTIONS = ['choice', 'uniform', 'logUniform', 'intUniform'] as const;

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));
const isRecord = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

/** Checks one value of training option `key` (at `where` in the file); returns it. */
export function checkValue(key: SweepKey, value: unknown, where: string): SweepValue {
  const fail = (expected: string): never => {
    throw new SweepSpecError(`${where} must be ${expected}, got ${show(value)}`);
  };
  const positiveIntOrFail = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fail('a positive integer'));
  const oneOf = (names: readonly string[]) => (names.includes(value as string) ? (value as string) : fail(`one of ${names.join(', ')}`));
  switch (key) {
    case 'hiddenUnits':
      if (!Array.isArray(value) || !value.every((h) => typeof h === 'number' && Number.isInteger(h) && h > 0)) fail('a list of positive integers like [100, 100]');
      return [...(value as number[])];
    case 'activation':
      return oneOf(ACTIVATION_NAMES);
    case 'norm':
      return oneOf(NORM_NAMES);
    case 'optimizer':
      return oneOf(OPTIMIZER_NAMES);
    case 'learningRate':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fail('a positive number');
    case 'maxSteps':
    case 'batchSize':
    case 'evalFreq':
    case 'evalBatchSize':
      return positiveIntOrFail(value);
    case 'evalAtStart':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'seed':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : fail('an integer from 0 to 4294967295');
  }
}

const checkKey = (key: string, where: string): SweepKey => {
  if (!(SWEEP_KEYS as readonly string[]).includes(key)) throw new SweepSpecError(`${where}: unknown training option '${key}', expected one of ${SWEEP_KEYS.join(', ')}`);
  return key as SweepKey;
};

function checkDistribution(key: SweepKey, raw: unknown, where: string): Distribution {
  if (!isRecord(raw) || Object.keys(raw).length !== 1) {
    throw new SweepSpecError(`${where} must be one of { choice: [...] }, { uniform: [low, high] }, { logUniform: [low, high] }, { intUniform: [low, high] }, got ${show(raw)}`);
  }
  const [kind, arg] = Object.entries(raw)[0]!;
  if (!(DISTRIBUTIONS as readonly string[]).includes(kind)) throw new SweepSpecError(`${where}: unknown distribution '${kind}', expected one of ${DISTRIBUTIONS.join(', ')}`);
  const at = `${where}.${kind}`;
  if (kind === 'choice') {
    if (!Array.isArray(arg) || arg.length === 0) throw new SweepSpecError(`${at} must be a non-empty list, got ${show(arg)}`);
    return { kind, values: arg.map((v, i) => checkValue(key, v, `${at}[${i}]`)) };
  }
  if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((v) => typeof v === 'number' && Number.isFinite(v)) || !((arg[0] as number) < (arg[1] as number))) {
    throw new SweepSpecError(`${at} must be [low, high] with numbers low < high, got ${show(arg)}`);
  }
  const [low, high] = arg as [number, number];
  if (kind === 'logUniform' && low <= 0) throw new SweepSpecError(`${at} must have low > 0 (a log scale), got ${show(arg)}`);
  if (kind === 'intUniform' && !(Number.isInteger(low) && Number.isInteger(high))) throw new SweepSpecError(`${at} must be two integers, got ${show(arg)}`);
  if (key === 'hiddenUnits' || key === 'activation' || key === 'norm' || key === 'optimizer' || key === 'evalAtStart') {
    throw new SweepSpecError(`${at}: ${key} is not a number; use { choice: [...] }`);
  }
  // The ends must themselves be valid values (a learning rate of 0 is not).
  checkValue(key, kind === 'intUniform' ? low : Math.max(low, Number.MIN_VALUE), `${at}[0]`);
  checkValue(key, high, `${at}[1]`);
  return { kind: kind as 'uniform' | 'logUniform' | 'intUniform', low, high };
}

/** The number of grid points (the product of the grid's list lengths; 1 with no grid). */
export const gridSize = (spec: Pick<SweepSpec, 'grid'>): number => Object.values(spec.grid).reduce((n, values) => n * (values?.length ?? 1), 1);

/** Validates a parsed sweep file (an object); `file` names it in errors. */
export function validateSweepSpec(raw: unknown, file = 'sweep file'): SweepSpec {
  try {
    if (!isRecord(raw)) throw new SweepSpecError(`must be a mapping of keys (${TOP_KEYS.join(', ')}), got ${show(raw)}`);
    for (const key of Object.keys(raw)) {
      if (!(TOP_KEYS as readonly string[]).includes(key)) throw new SweepSpecError(`unknown key '${key}', expected one of ${TOP_KEYS.join(', ')}`);
    }
    const base = raw.base;
    if (typeof base !== 'string') throw new SweepSpecError(`base must be a preset name (${PRESET_NAMES.join(', ')}), got ${show(base)}`);
    if (!isPresetName(base)) throw new SweepSpecError(`base must be one of ${PRESET_NAMES.join(', ')}, got '${base}'`);
    const name = raw.name ?? `sweep-${base}`;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new SweepSpecError(`name must be letters, digits, '.', '_' or '-' (a folder name), got ${show(name)}`);
    const metric = raw.metric ?? 'best_accuracy';
    if (!(METRICS as readonly unknown[]).includes(metric)) throw new SweepSpecError(`metric must be one of ${METRICS.join(', ')}, got ${show(metric)}`);
    const seed = raw.seed ?? 0;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SweepSpecError(`seed must be an integer from 0 to 4294967295, got ${show(seed)}`);
    if (raw.data !== undefined && (typeof raw.data !== 'string' || raw.data.trim() === '')) throw new SweepSpecError(`data must be a path, got ${show(raw.data)}`);

    const section = (k: 'set' | 'grid' | 'random'): Record<string, unknown> => {
      const v = raw[k] ?? {};
      if (!isRecord(v)) throw new SweepSpecError(`${k} must be a mapping of training options, got ${show(v)}`);
      return v;
    };
    const set: SweepSpec['set'] = {};
    for (const [k, v] of Object.entries(section('set'))) set[checkKey(k, 'set')] = checkValue(checkKey(k, 'set'), v, `set.${k}`);
    const grid: SweepSpec['grid'] = {};
    for (const [k, v] of Object.entries(section('grid'))) {
      const key = checkKey(k, 'grid');
      if (!Array.isArray(v) || v.length === 0) throw new SweepSpecError(`grid.${k} must be a non-empty list of values, got ${show(v)}`);
      grid[key] = v.map((x, i) => checkValue(key, x, `grid.${k}[${i}]`));
    }
    const random: SweepSpec['random'] = {};
    for (const [k, v] of Object.entries(section('random'))) {
      const key = checkKey(k, 'random');
      if (key in grid) throw new SweepSpecError(`random.${k}: ${k} is in grid too; search it one way`);
      random[key] = checkDistribution(key, v, `random.${k}`);
    }
    for (const k of Object.keys(set)) {
      if (k in grid || k in random) throw new SweepSpecError(`set.${k}: ${k} is searched too (grid or random); fix it or search it, not both`);
    }
    const hasRandom = Object.keys(random).length > 0;
    const points = gridSize({ grid });
    if (!hasRandom && Object.keys(grid).length === 0) throw new SweepSpecError('nothing to search: give grid and/or random');
    const trials = raw.trials ?? (hasRandom ? undefined : points);
    if (trials === undefined) throw new SweepSpecError('trials (the budget) is required with random');
    if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1 || trials > 10_000) throw new SweepSpecError(`trials must be an integer from 1 to 10000, got ${show(trials)}`);
    if (!hasRandom && trials > points) throw new SweepSpecError(`trials ${trials} is more than the grid's ${points} points (without random, the extra trials would repeat them); lower trials or add random`);
    return { name, base, metric: metric as SweepMetric, trials, seed, ...(raw.data !== undefined ? { data: raw.data as string } : {}), set, grid, random };
  } catch (err) {
    if (err instanceof SweepSpecError) throw new SweepSpecError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Parses a sweep file's text (YAML, which includes JSON) and validates it. */
export function parseSweepSpec(text: string, file = 'sweep file'): SweepSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SweepSpecError(`${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateSweepSpec(raw, file);
}

/** The spec in the sweep file's own form (what validateSweepSpec reads back to the same spec). */
export function sweepSpecToFile(spec: SweepSpec): Record<string, unknown> {
  const random = Object.fromEntries(Object.entries(spec.random).map(([k, d]) => [k, d.kind === 'choice' ? { choice: d.values } : { [d.kind]: [d.low, d.high] }]));
  return { name: spec.name, base: spec.base, metric: spec.metric, trials: spec.trials, seed: spec.seed, ...(spec.data !== undefined ? { data: spec.data } : {}), set: spec.set, grid: spec.grid, random };
}
