// The base of torch.optim-style optimizers owned here (no tfjs Optimizer underneath): parameter
// groups with PyTorch's hyperparameter names, per-parameter state (`step`, `exp_avg`, `exp_avg_sq`,
// `momentum_buffer`) as tf.Variables, and `stateDict()` / `loadStateDict()` in torch.optim's own
// format (state by parameter index, `param_groups` with the hyperparameters), so that a state
// saved here loads into `torch.optim` and back (optimizer-state.ts writes it to a file).
//
// Gradients: tfjs has no `.grad` slot. `step(closure)` evaluates the loss, takes fresh gradients
// and updates (PyTorch's `optimizer.step(closure)`); `applyGradients` takes gradients computed
// elsewhere (e.g. `namedGradients`, then `clipGradNorm`), keyed by PyTorch names. `zeroGrad()`
// does nothing: nothing accumulates.
import { shapeSize, shapeStr, tf } from '@backprop/tensor';
import { Module, type TorchLayout } from './module.js';
import type { SafetensorsTensor } from './safetensors.js';
import { fromTorchLayout, toTorchLayout, torchShape } from './torch-layout.js';

/** Parameters: a Module (its `parameters()`, with names and PyTorch layouts) or variables. */
export type ParamSource = Module | Iterable<tf.Variable>;

/** A parameter group as passed in: its parameters and hyperparameters that override the defaults. */
export type ParamGroupSpec<H> = { params: ParamSource } & Partial<H>;

/** What an optimizer takes: parameters (one group) or a list of parameter groups, as in PyTorch. */
export type Params<H = Record<string, unknown>> = ParamSource | ReadonlyArray<ParamGroupSpec<H>>;

/** Scheduler bookkeeping PyTorch keeps in a parameter group (LRScheduler, OneCycleLR). */
export interface SchedulerFields {
  initial_lr?: number;
  max_lr?: number;
  min_lr?: number;
  max_momentum?: number;
  base_momentum?: number;
}

/** A parameter group: its parameters and (mutable, as in PyTorch) hyperparameters. */
export type ParamGroup<H> = H & SchedulerFields & { params: tf.Variable[] };

/** One value of a parameter's state: a tensor (a tf.Variable), a count (`step`), or None. */
export type StateValue = tf.Variable | number | null;

/** torch.optim's `state_dict()`: per-parameter state by index, and the groups (indices in `params`). */
export interface OptimizerStateDict {
  state: Map<number, Record<string, SafetensorsTensor | null>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** How an option is checked: returns the value or throws naming it. */
export type OptionCheck = (value: unknown, name: string) => unknown;

/** Options of `Optimizer.step`. */
export interface StepOptions {
  /**
   * Sees this step's gradients before the update, in `params` order (null: the loss does not reach
   * that parameter), e.g. to record their norms; they are disposed after the update, so read or
   * copy, never keep. (PyTorch's `register_step_pre_hook`, where gradients sit in `p.grad`.)
   */
  onGradients?: (grads: ReadonlyArray<tf.Tensor | null>) => void;
}

interface Slot {
  variable: tf.Variable;
  /** PyTorch name (`layers.0.weight`) when the parameters came from a Module. */
  name: string | undefined;
  layout: TorchLayout;
  index: number;
  state: Record<string, StateValue> | undefined;
}

const SCHEDULER_KEYS = ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'] as const;
/** PyTorch options about how it computes (not what), accepted in loaded state and ignored. */
const IMPLEMENTATION_KEYS = ['foreach', 'capturable', 'differentiable', 'fused'] as const;

// ---- option checks, shared by the optimizers ----
export const nonNegative: OptionCheck = (v, name) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a finite number ≥ 0, got ${String(v)}`);
  return v;
};
export const positive: OptionCheck = (v, name) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a finite number > 0, got ${String(v)}`);
  return v;
};
export const unitInterval: OptionCheck = (v, name) => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${name} must be a number in [0, 1), got ${String(v)}`);
  return v;
};
export const bool: OptionCheck = (v, name) => {
  if (typeof v !== 'boolean') throw new Error(`${name} must be true or false, got ${String(v)}`);
  return v;
};
export const betasCheck: OptionCheck = (v, name) => {
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`${name} must be a pair [beta1, beta2], got ${JSON.stringify(v)}`);
  unitInterval(v[0], `${name}[0]`);
  unitInterval(v[1], `${name}[1]`);
  return [v[0], v[1]];
};
/** An option PyTorch has that is only supported at one value (e.g. amsgrad: false). */
export const only =
  (...allowed: unknown[]): OptionCheck =>
  (v, name) => {
    if (!allowed.includes(v)) throw new Error(`${name} = ${JSON.stringify(v)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`);
    return v;
  };

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Checks `options` against `checks` (PyTorch's option names): an unknown name throws, naming it
 * (and PyTorch's spelling when it is a camelCase one); every value is checked.
 */
export function checkOptions<H>(op: string, options: object, checks: Record<keyof H & string, OptionCheck>): Partial<H> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = (checks as Record<string, OptionCheck>)[key];
    if (check == null) {
      const torchName = Object.keys(checks).find((k) => camel(k) === key);
      const hint = torchName ? ` (PyTorch's name is '${torchName}')` : '';
      throw new Error(`${op}: unknown option '${key}'${hint}; known options: ${Object.keys(checks).join(', ')}`);
    }
    try {
      out[key] = check(value, key);
    } catch (e) {
      throw new Error(`${op}: ${(e as Error).message}`);
    }
  }
  return out as Partial<H>;
}

function sourceSlots(source: ParamSource, op: string, where: string): Array<Omit<Slot, 'index' | 'state'>> {
  if (source instanceof Module) {
    const layouts = new Map(source.stateEntries().map((e) => [e.variable, e.layout]));
    return source.namedParameters().map(([name, variable]) => ({ variable, name, layout: layouts.get(variable) ?? 'same' }));
  }
  if (source == null || typeof (source as Iterable<tf.Variable>)[Symbol.iterator] !== 'function') {
    throw new Error(`${op}: ${where} must be a Module or an iterable of tf.Variable, got ${String(source)}`);
  }
  return [...source].map((variable, i) => {
    if (!(variable instanceof tf.Variable) || !variable.trainable) throw new Error(`${op}: ${where}[${i}] must be a trainable tf.Variable`);
    return { variable, name: undefined, layout: 'same' as const };
  });
}

export abstract class Optimizer<H extends { lr: number } = { lr: number }> {
  /** The parameter groups; their hyperparameters can be changed between steps (schedulers do). */
  readonly paramGroups: Array<ParamGroup<H>>;
  /** The defaults a group without its own value takes (PyTorch's `optimizer.defaults`). */
  readonly defaults: H;
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<tf.Variable, Slot>();
  private readonly byName = new Map<string, Slot>();
  private readonly groupOf = new Map<Slot, ParamGroup<H>>();
  private stepCount = 0;
  /** Whether the parameters came as a list of groups (errors then name the group). */
  private readonly groupList: boolean;

  /** Class name for errors ('SGD', 'Adam'). */
  protected abstract readonly op: string;
  /** The checks of this optimizer's options (PyTorch's names). */
  protected abstract readonly checks: Record<keyof H & string, OptionCheck>;
  /** The per-parameter state keys of torch.optim, and which of them are tensors shaped like the parameter. */
  protected abstract readonly stateKeys: Record<string, 'tensor' | 'step'>;

  protected constructor(params: Params<H>, defaults: H, op: string) {
    this.defaults = defaults;
    // A list of groups is a list of plain objects with `params`; anything else is one group's parameters.
    const isGroupList = Array.isArray(params) && params.length > 0 && params.every((g) => g != null && !(g instanceof tf.Variable) && typeof g === 'object' && 'params' in g);
    this.groupList = isGroupList;
    const groups: Array<ParamGroupSpec<H>> = isGroupList ? [...(params as ReadonlyArray<ParamGroupSpec<H>>)] : [{ params: params as ParamSource } as ParamGroupSpec<H>];
    if (groups.length === 0) throw new Error(`${op}: params must hold at least one parameter group, got none`);
    this.paramGroups = groups.map((spec, g) => {
      if (spec == null || typeof spec !== 'object' || !('params' in spec)) throw new Error(`${op}: param group ${g} must be an object with 'params'`);
      const where = isGroupList ? `param_groups[${g}].params` : 'params';
      const found = sourceSlots(spec.params, op, where);
      if (found.length === 0) throw new Error(`${op}: ${where} must hold at least one parameter, got none`);
      const group = { ...defaults, ...spec, params: found.map((s) => s.variable) } as ParamGroup<H>;
      for (const s of found) {
        if (this.slotOf.has(s.variable)) throw new Error(`${op}: a parameter appears in more than one place (${s.name ?? `shape ${shapeStr(s.variable.shape)}`}); some parameters appear in more than one parameter group`);
        const slot: Slot = { ...s, index: this.slots.length, state: undefined };
        this.slots.push(slot);
        this.slotOf.set(s.variable, slot);
        if (s.name != null && !this.byName.has(s.name)) this.byName.set(s.name, slot);
        this.groupOf.set(slot, group);
      }
      return group;
    });
  }

  /** Checks the defaults and each group's own options; called by subclasses once `checks` exists. */
  protected validate(options: object): void {
    checkOptions<H>(this.op, options, this.checks);
    for (const [g, group] of this.paramGroups.entries()) {
      const { params: _, ...hyper } = group;
      const own = Object.fromEntries(Object.entries(hyper).filter(([k]) => !(SCHEDULER_KEYS as readonly string[]).includes(k)));
      checkOptions<H>(this.groupList ? `${this.op} param_groups[${g}]` : this.op, own, this.checks);
      this.checkGroup(group);
    }
  }

  /** Cross-option checks (e.g. nesterov needs momentum); throws naming the options. */
  protected checkGroup(_group: ParamGroup<H>): void {}

  /** Every parameter, in index order (the order of `stateDict`'s indices). */
  get params(): tf.Variable[] {
    return this.slots.map((s) => s.variable);
  }

  /** Number of `step` / `applyGradients` calls so far (not saved: PyTorch keeps per-parameter steps). */
  get steps(): number {
    return this.stepCount;
  }

  /** The first group's learning rate (all groups' when there is one). */
  get lr(): number {
    return this.paramGroups[0]!.lr;
  }

  /** Sets every group's learning rate from the next update on (PyTorch: `for g in opt.param_groups: g['lr'] = lr`). */
  set lr(lr: number) {
    this.setLearningRate(lr);
  }

  /** Sets every group's learning rate; `lr` must be a finite number ≥ 0. */
  setLearningRate(lr: number): void {
    nonNegativeFor(`${this.op}.setLearningRate`, lr, 'lr');
    for (const group of this.paramGroups) group.lr = lr;
  }

  /**
   * Evaluates `loss`, takes its gradients with respect to every parameter and applies one update.
   * Returns the loss (a scalar the caller disposes). Parameters the loss does not reach are left
   * as they are, state included (PyTorch skips parameters whose `.grad` is None).
   */
  step(loss: () => tf.Scalar, { onGradients }: StepOptions = {}): tf.Scalar {
    if (typeof loss !== 'function') throw new Error(`${this.op}.step: loss must be a closure returning a scalar loss, got ${String(loss)}`);
    const { value, grads } = tf.variableGrads(loss, this.params);
    try {
      const list = this.slots.map((s) => grads[s.variable.name] ?? null);
      onGradients?.(list);
      this.update(list);
    } finally {
      tf.dispose(Object.values(grads));
    }
    return value;
  }

  /**
   * Applies gradients computed elsewhere; the caller keeps (and disposes) them. `grads` is either a
   * Map by PyTorch parameter name (what `namedGradients` gives, in this library's layout), an array
   * in parameter order (null: no gradient), or tfjs's `{ [variable.name]: gradient }` (`tf.variableGrads`).
   * Parameters without a gradient are skipped.
   */
  applyGradients(grads: Map<string, tf.Tensor> | ReadonlyArray<tf.Tensor | null | undefined> | tf.NamedTensorMap): void {
    const op = `${this.op}.applyGradients`;
    const list: Array<tf.Tensor | null> = this.slots.map(() => null);
    const put = (slot: Slot | undefined, key: string, g: tf.Tensor) => {
      if (slot == null) {
        const known = [...this.byName.keys()];
        const names = known.length > 0 ? `; parameters: ${known.slice(0, 6).join(', ')}${known.length > 6 ? ', …' : ''}` : ' (this optimizer was given variables, not a Module: pass an array or tfjs variable names)';
        throw new Error(`${op}: no parameter named '${key}'${names}`);
      }
      list[slot.index] = g;
    };
    if (grads instanceof Map) {
      for (const [key, g] of grads) put(this.byName.get(key) ?? this.slots.find((s) => s.variable.name === key), key, g);
    } else if (Array.isArray(grads)) {
      if (grads.length !== this.slots.length) throw new Error(`${op}: grads must hold ${this.slots.length} entries (one per parameter), got ${grads.length}`);
      grads.forEach((g, i) => (list[i] = g ?? null));
    } else if (grads != null && typeof grads === 'object') {
      for (const [key, g] of Object.entries(grads as tf.NamedTensorMap)) put(this.slots.find((s) => s.variable.name === key) ?? this.byName.get(key), key, g);
    } else {
      throw new Error(`${op}: grads must be a Map by parameter name, an array or a tfjs NamedTensorMap, got ${String(grads)}`);
    }
    list.forEach((g, i) => {
      const p = this.slots[i]!.variable;
      if (g != null && (g.shape.length !== p.shape.length || g.shape.some((d, j) => d !== p.shape[j]))) {
        const who = this.slots[i]!.name ?? `params[${i}]`;
        throw new Error(`${op}: the gradient of '${who}' must have the parameter's shape ${shapeStr(p.shape)}, got ${shapeStr(g.shape)}`);
      }
    });
    this.update(list);
  }

  private update(grads: Array<tf.Tensor | null>): void {
    tf.tidy(() => {
      for (const [i, slot] of this.slots.entries()) {
        const grad = grads[i];
        if (grad == null) continue;
        slot.state ??= this.initState(slot.variable);
        this.updateParam(slot.variable, grad, slot.state, this.groupOf.get(slot)!);
      }
    });
    this.stepCount++;
  }

  /** A parameter's state before its first update (tensors are created lazily, as in PyTorch). */
  protected abstract initState(param: tf.Variable): Record<string, StateValue>;

  /** One update of `param` (inside a tidy; assign to variables, do not return tensors). */
  protected abstract updateParam(param: tf.Variable, grad: tf.Tensor, state: Record<string, StateValue>, group: ParamGroup<H>): void;

  /** No-op: gradients never accumulate (see the file comment). */
  zeroGrad(): void {}

  /**
   * The state in torch.optim's `state_dict()` format, copied out (the caller owns no tensors):
   * `state` by parameter index (only parameters updated at least once), tensors in PyTorch's layout,
   * `step` as a float32 scalar; `param_groups` with every hyperparameter and the parameter indices.
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = new Map();
    for (const slot of this.slots) {
      if (slot.state == null) continue;
      const out: Record<string, SafetensorsTensor | null> = {};
      for (const [key, value] of Object.entries(slot.state)) {
        if (value == null) out[key] = null;
        else if (typeof value === 'number') out[key] = { dtype: 'F32', shape: [], data: Float32Array.of(value) };
        else {
          const t = toTorchLayout(value, slot.layout);
          out[key] = { dtype: 'F32', shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as Float32Array) };
          t.dispose();
        }
      }
      state.set(slot.index, out);
    }
    const param_groups = this.paramGroups.map((group) => {
      const { params, ...hyper } = group;
      return { ...this.torchGroupExtras(), ...structuredClone(hyper), params: params.map((v) => this.slotOf.get(v)!.index) } as Record<string, unknown> & { params: number[] };
    });
    return { state, param_groups };
  }

  /** Hyperparameters an older PyTorch's state may lack (then this optimizer's own value stays). */
  protected readonly optionalGroupKeys: readonly string[] = [];

  /** Keys torch.optim writes in each group that do not change the math here (foreach, …), at PyTorch's defaults. */
  protected torchGroupExtras(): Record<string, unknown> {
    return {};
  }

  /**
   * Loads a state in torch.optim's format (from `stateDict()`, or from PyTorch through
   * optimizer-state.ts): hyperparameters from its groups, per-parameter state by index.
   * Everything is checked first (group sizes, keys, shapes); on error nothing has changed.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const op = `${this.op}.loadStateDict`;
    if (sd == null || !(sd.state instanceof Map) || !Array.isArray(sd.param_groups)) throw new Error(`${op}: expected { state: Map, param_groups: [...] } (torch.optim's state_dict format)`);
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new Error(`${op}: the state has ${sd.param_groups.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    // Saved index → our slot, group by group in order (what torch's load_state_dict does).
    const slotBySaved = new Map<number, Slot>();
    const newHyper = sd.param_groups.map((saved, g) => {
      const ours = this.paramGroups[g]!;
      if (!Array.isArray(saved.params) || saved.params.length !== ours.params.length) {
        throw new Error(`${op}: param_groups[${g}] has ${Array.isArray(saved.params) ? saved.params.length : 'no'} parameters, this optimizer's has ${ours.params.length}`);
      }
      saved.params.forEach((idx, j) => slotBySaved.set(idx, this.slotOf.get(ours.params[j]!)!));
      const { params: _, ...hyper } = saved;
      const known: Record<string, unknown> = {};
      const scheduler: Record<string, number> = {};
      for (const [k, v] of Object.entries(hyper)) {
        if ((IMPLEMENTATION_KEYS as readonly string[]).includes(k) && !(k in this.checks)) continue;
        if ((SCHEDULER_KEYS as readonly string[]).includes(k)) scheduler[k] = nonNegativeFor(`${op} param_groups[${g}]`, v, k);
        else known[k] = v;
      }
      const checked = checkOptions<H>(`${op} param_groups[${g}]`, known, this.checks);
      for (const k of Object.keys(this.checks)) {
        if (!(k in checked) && !(IMPLEMENTATION_KEYS as readonly string[]).includes(k) && !this.optionalGroupKeys.includes(k)) {
          throw new Error(`${op}: param_groups[${g}] lacks '${k}'`);
        }
      }
      const group = { ...ours, ...checked, ...scheduler } as ParamGroup<H>;
      this.checkGroup(group);
      return { ...checked, ...scheduler };
    });
    const newState = new Map<Slot, Record<string, SafetensorsTensor | null>>();
    for (const [idx, entry] of sd.state) {
      const slot = slotBySaved.get(idx);
      if (slot == null) throw new Error(`${op}: state has an entry for parameter ${idx}, which is in no parameter group`);
      const who = `state[${idx}]${slot.name ? ` (${slot.name})` : ''}`;
      const want = torchShape(slot.variable.shape, slot.layout);
      for (const [key, t] of Object.entries(entry)) {
        const kind = this.stateKeys[key];
        if (kind == null) throw new Error(`${op}: ${who} has unexpected key '${key}' (expected ${Object.keys(this.stateKeys).join(', ')})`);
        if (t == null) {
          if (kind === 'step') throw new Error(`${op}: ${who}.step must be a number, got None`);
          continue;
        }
        if (kind === 'step') {
          if (t.shape.length !== 0 || t.data.length !== 1) throw new Error(`${op}: ${who}.step must be a scalar, got shape ${shapeStr(t.shape)}`);
          const step = Number(t.data[0]);
          if (!Number.isInteger(step) || step < 0) throw new Error(`${op}: ${who}.step must be a whole number ≥ 0, got ${step}`);
        } else {
          if (t.dtype !== 'F32') throw new Error(`${op}: ${who}.${key} must be F32, got ${t.dtype}`);
          if (t.shape.length !== want.length || t.shape.some((d, j) => d !== want[j])) {
            throw new Error(`${op}: ${who}.${key} must have shape ${shapeStr(want)} (the parameter's, PyTorch layout), got ${shapeStr(t.shape)}`);
          }
          if (t.data.length !== shapeSize(t.shape)) throw new Error(`${op}: ${who}.${key} has shape ${shapeStr(t.shape)} but ${t.data.length} values`);
        }
      }
      for (const [key, kind] of Object.entries(this.stateKeys)) {
        if (!(key in entry) && this.requiredStateKey(key, kind)) throw new Error(`${op}: ${who} lacks '${key}'`);
      }
      newState.set(slot, entry);
    }
    // All checked: replace.
    newHyper.forEach((h, g) => Object.assign(this.paramGroups[g]!, h));
    for (const slot of this.slots) {
      const entry = newState.get(slot);
      this.disposeState(slot);
      if (entry == null) continue;
      const state: Record<string, StateValue> = {};
      for (const [key, t] of Object.entries(entry)) {
        if (t == null) state[key] = null;
        else if (this.stateKeys[key] === 'step') state[key] = Number(t.data[0]);
        else {
          state[key] = tf.tidy(() => {
            const stored = fromTorchLayout(tf.tensor(t.data as Float32Array, t.shape, 'float32'), slot.layout);
            return tf.variable(stored, false);
          });
        }
      }
      slot.state = state;
    }
  }

  /** Whether a loaded per-parameter state must have `key` (momentum_buffer may be absent or None). */
  protected requiredStateKey(_key: string, _kind: 'tensor' | 'step'): boolean {
    return true;
  }

  private disposeState(slot: Slot): void {
    for (const v of Object.values(slot.state ?? {})) if (v instanceof tf.Variable) v.dispose();
    slot.state = undefined;
  }

  /** Frees the optimizer's state (moments, momentum buffers); the parameters stay. */
  dispose(): void {
    for (const slot of this.slots) this.disposeState(slot);
  }
}

function nonNegativeFor(op: string, v: unknown, name: string): number {
  try {
    return nonNegative(v, name) as number;
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
}
