// The trials of a sweep, fixed before any runs: trial i takes grid point i (in the grid's order,
// cycling; a seeded subset when the budget is below the grid's size) and, for the random options,
// the i-th draw of a generator seeded by the spec's seed. Same spec → same trials, wherever they run.
import { Rng } from '@backprop/tensor';
import type { TrainConfig } from '../config.js';
import { presetConfig } from '../presets.js';
import { gridSize, SweepSpecError, type Distribution, type SweepKey, type SweepSpec, type SweepValue } from './spec.js';

export interface Trial {
  /** 0-based position in the plan (the Slurm array task id). */
  index: number;
  /** Folder name inside the sweep's trials/ folder, e.g. trial-007. */
  id: string;
  /** The searched options' values of this trial (grid and random keys only). */
  params: Partial<Record<SweepKey, SweepValue>>;
  /** The whole config the trial trains with. */
  config: TrainConfig;
}

export const trialId = (index: number): string => `trial-${String(index).padStart(3, '0')}`;

/** A random draw, rounded to 3 significant digits (readable tables; the config holds the rounded value). */
export function draw(d: Distribution, rng: Rng): SweepValue {
  const u = rng.uniform();
  const round3 = (x: number) => Number(x.toPrecision(3));
  switch (d.kind) {
    case 'choice':
      return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))]!;
    case 'uniform':
      return round3(d.low + u * (d.high - d.low));
    case 'logUniform':
      return round3(Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low))));
    case 'intUniform':
      return d.low + Math.min(d.high - d.low, Math.floor(u * (d.high - d.low + 1)));
  }
}

/** Grid point k (mixed-radix over the grid's keys in file order). */
function gridPoint(spec: SweepSpec, k: number): Partial<Record<SweepKey, SweepValue>> {
  const point: Partial<Record<SweepKey, SweepValue>> = {};
  let rest = k;
  for (const [key, values] of Object.entries(spec.grid) as [SweepKey, SweepValue[]][]) {
    point[key] = values[rest % values.length]!;
    rest = Math.floor(rest / values.length);
  }
  return point;
}

export function planTrials(spec: SweepSpec): Trial[] {
  const points = gridSize(spec);
  const rng = new Rng(spec.seed);
  // Below the grid's size, a seeded subset of its points (a prefix would leave the last keys unvaried).
  const order = spec.trials < points ? Array.from(rng.permutation(points)).slice(0, spec.trials) : null;
  const trials: Trial[] = [];
  for (let i = 0; i < spec.trials; i++) {
    const params: Partial<Record<SweepKey, SweepValue>> = { ...gridPoint(spec, order ? order[i]! : i % points) };
    for (const [key, d] of Object.entries(spec.random) as [SweepKey, Distribution][]) params[key] = draw(d, rng);
    const id = trialId(i);
    let config: TrainConfig;
    try {
      config = presetConfig(spec.base, { ...spec.set, ...params } as Partial<TrainConfig>);
    } catch (err) {
      throw new SweepSpecError(`${id} (${JSON.stringify(params)}): ${(err as Error).message}`);
    }
    trials.push({ index: i, id, params, config });
  }
  return trials;
}
