// Shared construction helpers for modules.
import { Rng } from '@backprop/tensor';
import type { InitOptions, ModuleOptions } from './module.js';
import type { Ops } from './ops.js';
import { tfOps } from './tf-ops.js';

/** The `ops` of a module's options, tfOps by default. */
export const opsOf = <T>(options: ModuleOptions<T> | undefined): Ops<T> => options?.ops ?? (tfOps as unknown as Ops<T>);

/** The original's initialisation: N(0, std²) drawn in float64 from a seeded generator. */
export function normalValues(count: number, std: number, options: InitOptions<unknown> | undefined): Float64Array {
  const rng = options?.rng ?? new Rng(options?.seed ?? 42);
  return rng.fillNormal(new Float64Array(count), 0, std);
}
