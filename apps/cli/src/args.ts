// Flag parsing on node:util's parseArgs, with values checked and converted here so that every
// mistake is one clear line naming the flag, what it takes and what it got.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { TrainConfig } from '@backprop/train';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, strict, with its errors turned into UsageErrors for `command`. */
export function parse(argv: string[], options: Options, command: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    // Node's messages run on with advice about '--'; the first sentence is the point.
    const message = (err as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(message, command);
  }
}

export function positiveInt(flag: string, value: string, command: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a positive integer, got '${value}'`, command);
  return Number(value);
}

export function nonNegativeInt(flag: string, value: string, command: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`, command);
  return Number(value);
}

export function positiveNumber(flag: string, value: string, command: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got '${value}'`, command);
  return n;
}

export function choice<T extends string>(flag: string, value: string, allowed: readonly T[], command: string): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join('|')}, got '${value}'`, command);
  return value as T;
}

/** '100,100' → [100, 100]; '' → [] (no hidden layer). */
export function intList(flag: string, value: string, command: string): number[] {
  if (value.trim() === '') return [];
  return value.split(',').map((part) => {
    const p = part.trim();
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new UsageError(`${flag} must be comma-separated positive integers like 100,100, got '${value}'`, command);
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
  cacheDir: string | undefined;
  /** --threads as given (resolveThreads applies the default). */
  threads: string | undefined;
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
  'cache-dir': { type: 'string' },
  threads: { type: 'string' },
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
  set('maxSteps', 'max-steps', (f, x) => positiveInt(f, x, cmd));
  set('batchSize', 'batch-size', (f, x) => positiveInt(f, x, cmd));
  set('evalFreq', 'eval-freq', (f, x) => positiveInt(f, x, cmd));
  set('evalBatchSize', 'eval-batch-size', (f, x) => positiveInt(f, x, cmd));
  set('optimizer', 'optimizer', (f, x) => choice(f, x, ['sgd', 'adam'] as const, cmd));
  set('activation', 'activation', (f, x) => choice(f, x, ['elu', 'tanh', 'relu'] as const, cmd));
  set('norm', 'norm', (f, x) => choice(f, x, ['none', 'batch', 'layer'] as const, cmd));
  set('seed', 'seed', (f, x) => nonNegativeInt(f, x, cmd));
  if (v['no-initial-eval'] === true) overrides.evalAtStart = false;
  return {
    help: v.help === true,
    preset: positionals[0],
    overrides,
    data: str('data'),
    out: str('out'),
    resume: str('resume'),
    cacheDir: str('cache-dir'),
    threads: str('threads'),
  };
}
