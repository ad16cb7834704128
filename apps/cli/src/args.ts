// Flag parsing on node:util's parseArgs, with values checked and converted here so that every
// mistake is one clear line naming the flag, what it takes and what it got.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES, type TrainConfig } from '@backprop/train';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--flag -1` → `--flag=-1` for flags that take a value: parseArgs reads a value that starts with
 * '-' as an option ("argument is ambiguous"), so a negative number would never reach the check
 * that can say what is wrong with it.
 */
export function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name != null && options[name]?.type === 'string' && next != null && /^-(\d|\.\d|inf|nan)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs, strict, with its errors turned into UsageErrors for `command`. */
export function parse(argv: string[], options: Options, command: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    // Node's messages run on with advice about '--'; the first sentence is the point.
    const message = (err as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(message, command);
  }
}

/** A whole number in [min, max], written in decimal digits (no sign, exponent, hex or separators). */
export function intInRange(flag: string, value: string, command: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const what = `${min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer from ${min}`}${max < Number.MAX_SAFE_INTEGER ? ` no larger than ${max}` : ''}`;
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be ${what}, got '${value}'`, command);
  return n;
}

/** A command-line flag's text as a positive integer (a usage error otherwise); not @backprop/tensor's positiveInt, which checks numbers. */
export function positiveIntFlag(flag: string, value: string, command: string, max?: number): number {
  return intInRange(flag, value, command, 1, max);
}

/** A command-line flag's text as an integer ≥ 0 (a usage error otherwise). */
export function nonNegativeIntFlag(flag: string, value: string, command: string, max?: number): number {
  return intInRange(flag, value, command, 0, max);
}

/** Seeds are 32-bit: larger values would wrap around (2^32 + 42 would be seed 42). */
export const MAX_SEED = 0xffffffff;

export function seedValue(flag: string, value: string, command: string): number {
  return intInRange(flag, value, command, 0, MAX_SEED);
}

/** The smallest positive normal float32: the math runs in float32, where smaller numbers are 0 or denormal. */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A positive decimal number (1e-3, 0.001, 5) that float32 can hold: not 0 there, not infinite. */
export function positiveNumber(flag: string, value: string, command: string): number {
  const v = value.trim();
  if (!/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) {
    const negative = /^-/.test(v) && Number.isFinite(Number(v));
    throw new UsageError(`${flag} must be a positive number, got '${value}'${negative ? ' (negative)' : /^[+-]?0x/i.test(v) ? ' (decimal digits only, like 16 or 1e-3)' : ''}`, command);
  }
  const n = Number(v);
  if (n === 0) throw new UsageError(`${flag} must be a positive number, got '${value}'`, command);
  if (n < FLOAT32_MIN_NORMAL) throw new UsageError(`${flag} ${v} is 0 (or denormal) in float32, in which training runs; the smallest usable value is 1.2e-38`, command);
  if (n > FLOAT32_MAX) throw new UsageError(`${flag} ${v} is infinite in float32, in which training runs; the largest is 3.4e38`, command);
  return n;
}

export function choice<T extends string>(flag: string, value: string, allowed: readonly T[], command: string): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join('|')}, got '${value}'`, command);
  return value as T;
}

/** '100,100' → [100, 100]; '' → [] (no hidden layer) where `allowEmpty`, else an error. */
export function intList(flag: string, value: string, command: string, { allowEmpty = true }: { allowEmpty?: boolean } = {}): number[] {
  if (value.trim() === '') {
    if (allowEmpty) return [];
    throw new UsageError(`${flag} must be comma-separated positive integers like 1,16,256, got an empty list`, command);
  }
  return value.split(',').map((part) => {
    const p = part.trim();
    if (!/^\d+$/.test(p) || Number(p) < 1 || !Number.isSafeInteger(Number(p))) throw new UsageError(`${flag} must be comma-separated positive integers like 100,100, got '${value}'`, command);
    return Number(p);
  });
}

export interface TrainArgs {
  help: boolean;
  preset: string | undefined;
  /** Config fields set by flags (only those given). */
  overrides: Partial<TrainConfig>;
  data: string | undefined;
  out: string | undefined;
  resume: string | undefined;
  /** --from: a run folder (e.g. a sweep's trial) or a sweep folder (its best trial) whose config to train again. */
  from: string | undefined;
  cacheDir: string | undefined;
  /** --threads as given (resolveThreads applies the default). */
  threads: string | undefined;
  /** --force: overwrite another run's record in --out. */
  force: boolean;
}

export const TRAIN_OPTIONS = {
  'dnn-hidden-units': { type: 'string' },
  'learning-rate': { type: 'string' },
  'max-steps': { type: 'string' },
  'batch-size': { type: 'string' },
  'eval-freq': { type: 'string' },
  'eval-batch-size': { type: 'string' },
  'no-initial-eval': { type: 'boolean' },
  optimizer: { type: 'string' },
  activation: { type: 'string' },
  norm: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  from: { type: 'string' },
  'cache-dir': { type: 'string' },
  threads: { type: 'string' },
  force: { type: 'boolean' },
} as const satisfies Options;

export function parseTrainArgs(argv: string[]): TrainArgs {
  const cmd = 'train';
  const { values: v, positionals } = parse(argv, TRAIN_OPTIONS, cmd);
  if (positionals.length > 1) throw new UsageError(`expected one preset, got ${positionals.length}: ${positionals.join(' ')}`, cmd);
  const str = (name: string) => v[name] as string | undefined;
  const overrides: Partial<TrainConfig> = {};
  const set = <K extends keyof TrainConfig>(key: K, flag: string, convert: (flag: string, value: string) => TrainConfig[K]) => {
    const value = str(flag);
    if (value !== undefined) overrides[key] = convert(`--${flag}`, value);
  };
  set('hiddenUnits', 'dnn-hidden-units', (f, x) => intList(f, x, cmd));
  set('learningRate', 'learning-rate', (f, x) => positiveNumber(f, x, cmd));
  set('maxSteps', 'max-steps', (f, x) => positiveIntFlag(f, x, cmd));
  set('batchSize', 'batch-size', (f, x) => positiveIntFlag(f, x, cmd));
  set('evalFreq', 'eval-freq', (f, x) => positiveIntFlag(f, x, cmd));
  set('evalBatchSize', 'eval-batch-size', (f, x) => positiveIntFlag(f, x, cmd));
  set('optimizer', 'optimizer', (f, x) => choice(f, x, OPTIMIZER_NAMES, cmd));
  set('activation', 'activation', (f, x) => choice(f, x, ACTIVATION_NAMES, cmd));
  set('norm', 'norm', (f, x) => choice(f, x, NORM_NAMES, cmd));
  set('seed', 'seed', (f, x) => seedValue(f, x, cmd));
  if (v['no-initial-eval'] === true) overrides.evalAtStart = false;
  const out = str('out');
  if (out !== undefined && out.trim() === '') throw new UsageError(`--out must name a folder, got '${out}'`, cmd);
  const resume = str('resume');
  if (resume !== undefined && resume.trim() === '') throw new UsageError(`--resume must name a run folder, got '${resume}'`, cmd);
  const from = str('from');
  if (from !== undefined && from.trim() === '') throw new UsageError(`--from must name a run folder or a sweep folder, got '${from}'`, cmd);
  if (from !== undefined && resume !== undefined) throw new UsageError('--from starts a new run from a config, --resume continues one; give one of them', cmd);
  if (from !== undefined && positionals.length > 0) throw new UsageError(`--from takes the preset from the run's config.json; give no preset (got '${positionals[0]}')`, cmd);
  return {
    help: v.help === true,
    preset: positionals[0],
    overrides,
    data: str('data'),
    out: str('out'),
    resume: str('resume'),
    from: str('from'),
    cacheDir: str('cache-dir'),
    threads: str('threads'),
    force: v.force === true,
  };
}
