// torch.optim.lr_scheduler: StepLR, CosineAnnealingLR, LinearLR (linear warm-up) and OneCycleLR,
// with PyTorch's (1.13 – 2.x) recursive formulas, so that the rates agree with PyTorch's to the
// last bits of a float64 (lr-scheduler.test.ts checks a table recorded from torch; see
// fixtures/lr_schedules.py). As in PyTorch: constructing a scheduler sets each group's
// `initial_lr` and applies the rate of epoch 0; call `scheduler.step()` after `optimizer.step()`.
import { positiveInt } from '@backprop/tensor';
import type { Optimizer, ParamGroup } from './optimizer.js';

type AnyOptimizer = Optimizer;
type Group = ParamGroup<{ lr: number; momentum?: number; betas?: [number, number] }>;

/** Python's `a % b` (the sign of b). */
const pyMod = (a: number, b: number) => ((a % b) + b) % b;

function check(op: string, name: string, v: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new Error(`${op}: ${name} must be ${expected}, got ${String(v)}`);
}

export interface LRSchedulerState {
  last_epoch: number;
  base_lrs: number[];
  _last_lr: number[];
  _step_count: number;
}

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** The epoch (step) count: 0 after construction, +1 per `step()`. */
  lastEpoch: number;
  baseLrs: number[];
  protected stepCount = 0;
  private lastLr: number[] = [];

  protected constructor(optimizer: Optimizer, op: string, lastEpoch = -1) {
    if (optimizer == null || !Array.isArray((optimizer as AnyOptimizer).paramGroups)) throw new Error(`${op}: optimizer must be a Backprop Optimizer (SGD, Adam, AdamW), got ${String(optimizer)}`);
    check(op, 'last_epoch', lastEpoch, Number.isInteger(lastEpoch) && lastEpoch >= -1, 'an integer ≥ -1');
    this.optimizer = optimizer as unknown as AnyOptimizer;
    const groups = this.groups();
    if (lastEpoch === -1) for (const g of groups) g.initial_lr ??= g.lr;
    else groups.forEach((g, i) => {
      if (g.initial_lr == null) throw new Error(`${op}: param_groups[${i}] has no 'initial_lr', needed to resume with last_epoch ${lastEpoch}`);
    });
    this.baseLrs = groups.map((g) => g.initial_lr!);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (PyTorch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  protected groups(): Group[] {
    return this.optimizer.paramGroups as unknown as Group[];
  }

  /** The rates for `lastEpoch` (PyTorch's `get_lr`, called within `step`). */
  protected abstract getLr(): number[];

  /** Advances one epoch (or step) and sets every group's lr. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    this.groups().forEach((g, i) => (g.lr = values[i]!));
    this.lastLr = this.groups().map((g) => g.lr);
  }

  /** The rates the last `step()` set (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The counters, to resume a schedule (with the optimizer's own state for its groups). */
  stateDict(): LRSchedulerState {
    return { last_epoch: this.lastEpoch, base_lrs: [...this.baseLrs], _last_lr: [...this.lastLr], _step_count: this.stepCount };
  }

  loadStateDict(state: LRSchedulerState): void {
    const op = `${this.constructor.name}.loadStateDict`;
    check(op, 'last_epoch', state?.last_epoch, Number.isInteger(state?.last_epoch) && state.last_epoch >= -1, 'an integer ≥ -1');
    check(op, 'base_lrs', state.base_lrs, Array.isArray(state.base_lrs) && state.base_lrs.length === this.baseLrs.length, `a list of ${this.baseLrs.length} rates`);
    this.lastEpoch = state.last_epoch;
    this.baseLrs = [...state.base_lrs];
    this.lastLr = [...(state._last_lr ?? [])];
    this.stepCount = state._step_count ?? 0;
  }
}

export interface StepLROptions {
  step_size: number;
  gamma?: number;
  last_epoch?: number;
}

/** lr × gamma every `step_size` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, { step_size, gamma = 0.1, last_epoch = -1, ...rest }: StepLROptions) {
    super(optimizer, 'StepLR', last_epoch);
    rejectUnknown('StepLR', rest, 'step_size, gamma, last_epoch');
    positiveInt('StepLR', 'step_size', step_size);
    check('StepLR', 'gamma', gamma, Number.isFinite(gamma) && gamma >= 0, 'a finite number ≥ 0');
    this.stepSize = step_size;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.groups();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}

export interface CosineAnnealingLROptions {
  T_max: number;
  eta_min?: number;
  last_epoch?: number;
}

/** Cosine from the initial lr down to eta_min over T_max epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, { T_max, eta_min = 0, last_epoch = -1, ...rest }: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR', last_epoch);
    rejectUnknown('CosineAnnealingLR', rest, 'T_max, eta_min, last_epoch');
    positiveInt('CosineAnnealingLR', 'T_max', T_max);
    check('CosineAnnealingLR', 'eta_min', eta_min, Number.isFinite(eta_min) && eta_min >= 0, 'a finite number ≥ 0');
    this.tMax = T_max;
    this.etaMin = eta_min;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { tMax: T, etaMin: eta, lastEpoch: e } = this;
    const groups = this.groups();
    if (e === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if (pyMod(e - 1 - T, 2 * T) === 0) return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - eta) + eta);
  }
}

export interface LinearLROptions {
  start_factor?: number;
  end_factor?: number;
  total_iters?: number;
  last_epoch?: number;
}

/** Linear warm-up: lr × factor, the factor going linearly from start_factor to end_factor over total_iters epochs. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, { start_factor = 1 / 3, end_factor = 1, total_iters = 5, last_epoch = -1, ...rest }: LinearLROptions = {}) {
    super(optimizer, 'LinearLR', last_epoch);
    rejectUnknown('LinearLR', rest, 'start_factor, end_factor, total_iters, last_epoch');
    check('LinearLR', 'start_factor', start_factor, start_factor > 0 && start_factor <= 1, 'in (0, 1]');
    check('LinearLR', 'end_factor', end_factor, end_factor >= 0 && end_factor <= 1, 'in [0, 1]');
    positiveInt('LinearLR', 'total_iters', total_iters);
    this.startFactor = start_factor;
    this.endFactor = end_factor;
    this.totalIters = total_iters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    const groups = this.groups();
    if (e === 0) return groups.map((g) => g.lr * s);
    if (e > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
}

export interface OneCycleLROptions {
  max_lr: number | number[];
  total_steps?: number;
  epochs?: number;
  steps_per_epoch?: number;
  pct_start?: number;
  anneal_strategy?: 'cos' | 'linear';
  cycle_momentum?: boolean;
  base_momentum?: number;
  max_momentum?: number;
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
  last_epoch?: number;
}

interface Phase {
  endStep: number;
  startLr: 'initial_lr' | 'max_lr' | 'min_lr';
  endLr: 'initial_lr' | 'max_lr' | 'min_lr';
  startMomentum: 'max_momentum' | 'base_momentum';
  endMomentum: 'max_momentum' | 'base_momentum';
}

/** The 1cycle policy: warm up to max_lr, anneal to max_lr / (div_factor · final_div_factor); momentum (or β₁) cycles inversely. Step it once per batch. */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const op = 'OneCycleLR';
    const {
      max_lr, total_steps, epochs, steps_per_epoch, pct_start = 0.3, anneal_strategy = 'cos', cycle_momentum = true,
      base_momentum = 0.85, max_momentum = 0.95, div_factor = 25, final_div_factor = 1e4, three_phase = false, last_epoch = -1, ...rest
    } = options ?? ({} as OneCycleLROptions);
    rejectUnknown(op, rest, 'max_lr, total_steps, epochs, steps_per_epoch, pct_start, anneal_strategy, cycle_momentum, base_momentum, max_momentum, div_factor, final_div_factor, three_phase, last_epoch');
    const o = optimizer as unknown as AnyOptimizer;
    const groups = (o?.paramGroups ?? []) as unknown as Group[];
    let total: number;
    if (total_steps != null) {
      positiveInt(op, 'total_steps', total_steps);
      total = total_steps;
    } else if (epochs != null && steps_per_epoch != null) {
      positiveInt(op, 'epochs', epochs);
      positiveInt(op, 'steps_per_epoch', steps_per_epoch);
      total = epochs * steps_per_epoch;
    } else throw new Error(`${op}: give total_steps, or epochs and steps_per_epoch`);
    check(op, 'pct_start', pct_start, pct_start >= 0 && pct_start <= 1, 'in [0, 1]');
    check(op, 'anneal_strategy', anneal_strategy, anneal_strategy === 'cos' || anneal_strategy === 'linear', "'cos' or 'linear'");
    const perGroup = (name: string, v: number | number[]): number[] => {
      const list = Array.isArray(v) ? v : groups.map(() => v);
      if (list.length !== groups.length) throw new Error(`${op}: expected ${groups.length} values for ${name}, got ${list.length}`);
      list.forEach((x, i) => check(op, `${name}[${i}]`, x, Number.isFinite(x) && x >= 0, 'a finite number ≥ 0'));
      return list;
    };
    const maxLrs = perGroup('max_lr', max_lr);
    if (last_epoch === -1) {
      groups.forEach((g, i) => {
        g.initial_lr = maxLrs[i]! / div_factor;
        g.max_lr = maxLrs[i]!;
        g.min_lr = g.initial_lr / final_div_factor;
      });
    }
    let useBeta1 = false;
    if (cycle_momentum) {
      const d = o?.defaults as Record<string, unknown> | undefined;
      if (d == null || (!('momentum' in d) && !('betas' in d))) throw new Error(`${op}: cycle_momentum needs an optimizer with momentum or betas`);
      useBeta1 = 'betas' in d;
      const maxM = perGroup('max_momentum', max_momentum);
      const baseM = perGroup('base_momentum', base_momentum);
      if (last_epoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i]!, g.betas![1]];
          else g.momentum = maxM[i]!;
          g.max_momentum = maxM[i]!;
          g.base_momentum = baseM[i]!;
        });
      }
    }
    super(optimizer, op, last_epoch);
    this.totalSteps = total;
    this.cycleMomentum = cycle_momentum;
    this.useBeta1 = useBeta1;
    this.anneal = anneal_strategy === 'cos' ? (s, e, pct) => e + ((s - e) / 2) * (Math.cos(Math.PI * pct) + 1) : (s, e, pct) => (e - s) * pct + s;
    this.phases = three_phase
      ? [
          { endStep: pct_start * total - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: 2 * pct_start * total - 2, startLr: 'max_lr', endLr: 'initial_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
          { endStep: total - 1, startLr: 'initial_lr', endLr: 'min_lr', startMomentum: 'max_momentum', endMomentum: 'max_momentum' },
        ]
      : [
          { endStep: pct_start * total - 1, startLr: 'initial_lr', endLr: 'max_lr', startMomentum: 'max_momentum', endMomentum: 'base_momentum' },
          { endStep: total - 1, startLr: 'max_lr', endLr: 'min_lr', startMomentum: 'base_momentum', endMomentum: 'max_momentum' },
        ];
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new Error(`OneCycleLR.step: tried to step ${stepNum + 1} times; total_steps is ${this.totalSteps}`);
    return this.groups().map((g) => {
      let start = 0;
      let lr = g.lr;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - start) / (phase.endStep - start);
          lr = this.anneal(g[phase.startLr]!, g[phase.endLr]!, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[phase.startMomentum]!, g[phase.endMomentum]!, pct);
            if (this.useBeta1) g.betas = [m, g.betas![1]];
            else g.momentum = m;
          }
          break;
        }
        start = phase.endStep;
      }
      return lr;
    });
  }
}

function rejectUnknown(op: string, rest: object, known: string): void {
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new Error(`${op}: unknown option '${extra[0]}'; known options: ${known}`);
}
