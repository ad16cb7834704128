// An optimizer's state as named tensors with PyTorch parameter names, for checkpoints that resume
// bit-identically; used by `Optimizer.stateDict` / `Optimizer.loadStateDict` (optim.ts).
//
// tfjs's `getWeights()` gives [iterations, ...slots], each slot named `<variable name>/<suffix>`
// (Adam: all `/m` then all `/v`; momentum: `/momentum`; plain SGD: none), in the order of the
// optimizer's parameter list; `setWeights()` takes the same list back. Variable names are
// per-process counters, so the state keys slots by the parameter's PyTorch name instead
// (`layers.0.weight/m`) and rebuilds tfjs's order from the optimizer's parameters on load.
//
// Keys (checkpoint files depend on them): `iterations` (I32 scalar), `<param>/<slot>` (F32, the
// shape of the parameter's tfjs variable — for Conv2d that is HWIO, not PyTorch's OIHW), and for Adam `adam.acc_beta1` / `adam.acc_beta2` (F32 scalars: β₁ᵗ, β₂ᵗ).
// tfjs's setWeights recomputes β powers with pow(), which can differ in the last bit from the
// running product, so they are saved and put back as is: a resumed run is bit-identical to an
// uninterrupted one.
import { tf } from '@backprop/tensor';
import type { Module } from './module.js';
import type { SafetensorsTensor } from './safetensors.js';

/** Named tensors (PyTorch names), as they go into a safetensors file: what `Optimizer.stateDict` gives. */
export type OptimizerStateDict = Map<string, SafetensorsTensor>;

export const ITERATIONS_KEY = 'iterations';
export const BETA_POWER_KEYS = ['adam.acc_beta1', 'adam.acc_beta2'] as const;

/** What this file needs from an optimizer: its tfjs optimizer and how that one keeps its state. */
export interface OptimizerInternals {
  /** Error prefix, e.g. 'Adam.loadStateDict'. */
  op: string;
  inner: tf.Optimizer;
  params: readonly tf.Variable[];
  /** Slot suffixes in tfjs's getWeights order, e.g. ['/m', '/v']; none for plain SGD. */
  slots: readonly string[];
  /** Adam's β₁ᵗ, β₂ᵗ variables. */
  betaPowers?: readonly [tf.Variable, tf.Variable];
}

const shapeStr = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The PyTorch name of each of `params` in `module`, in the order of `params`. */
function paramNames(op: string, module: Module, params: readonly tf.Variable[]): string[] {
  const byVariable = new Map(module.namedParameters().map(([name, v]) => [v.name, name]));
  return params.map((v, i) => {
    const name = byVariable.get(v.name);
    if (name == null) throw new Error(`${op}: params[${i}] (shape ${shapeStr(v.shape)}) is not a parameter of the module given`);
    return name;
  });
}

const scalarF32 = (v: tf.Variable): SafetensorsTensor => ({ dtype: 'F32', shape: [], data: Float32Array.from(v.dataSync() as Float32Array) });

/** The state of `o` keyed by `module`'s parameter names; copies, so the caller owns no tensors. */
export async function saveOptimizerState(o: OptimizerInternals, module: Module): Promise<OptimizerStateDict> {
  const names = paramNames(o.op, module, o.params);
  const nameOf = new Map(o.params.map((v, i) => [v.name, names[i]!]));
  const weights = await o.inner.getWeights();
  const out: OptimizerStateDict = new Map();
  try {
    for (const [i, { name, tensor }] of weights.entries()) {
      if (i === 0) {
        out.set(ITERATIONS_KEY, { dtype: 'I32', shape: [], data: Int32Array.from(tensor.dataSync() as Int32Array) });
        continue;
      }
      const cut = name.lastIndexOf('/');
      const param = cut < 0 ? undefined : nameOf.get(name.slice(0, cut));
      if (param == null) throw new Error(`${o.op}: tfjs slot '${name}' belongs to none of the optimizer's parameters`);
      out.set(`${param}${name.slice(cut)}`, { dtype: 'F32', shape: tensor.shape.slice(), data: Float32Array.from(tensor.dataSync() as Float32Array) });
    }
  } finally {
    weights[0]?.tensor.dispose(); // saveIterations made a fresh scalar; the slots are tfjs's own variables
  }
  if (o.betaPowers) {
    out.set(BETA_POWER_KEYS[0], scalarF32(o.betaPowers[0]));
    out.set(BETA_POWER_KEYS[1], scalarF32(o.betaPowers[1]));
  }
  return out;
}

/** `state[key]`, checked for presence, dtype and shape; errors name the key. */
function entry(op: string, state: OptimizerStateDict, key: string, dtype: SafetensorsTensor['dtype'], shape: readonly number[]): SafetensorsTensor {
  const t = state.get(key);
  if (t == null) throw new Error(`${op}: missing key '${key}'`);
  if (t.dtype !== dtype) throw new Error(`${op}: '${key}' must have dtype ${dtype}, got ${t.dtype}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: '${key}' must have shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
  }
  const size = shape.reduce((n, d) => n * d, 1);
  if (t.data.length !== size) throw new Error(`${op}: '${key}' has shape ${shapeStr(shape)} but ${t.data.length} values`);
  return t;
}

/**
 * Puts `saveOptimizerState`'s output back into `o` (fresh or already stepped: the slots it held
 * are freed). Everything is checked before any tensor is made. Returns the iteration count.
 */
export async function loadOptimizerState(o: OptimizerInternals, module: Module, state: OptimizerStateDict): Promise<number> {
  const { op } = o;
  const names = paramNames(op, module, o.params);
  const iterations = (entry(op, state, ITERATIONS_KEY, 'I32', []).data as Int32Array)[0]!;
  if (iterations < 0) throw new Error(`${op}: '${ITERATIONS_KEY}' must be ≥ 0, got ${iterations}`);
  // A state saved before the first step has no slots (tfjs makes them on the first update).
  const slotKeys = o.slots.flatMap((suffix) => names.map((name) => `${name}${suffix}`));
  const hasSlots = slotKeys.some((k) => state.has(k)) || iterations > 0;
  const slotValues = hasSlots ? slotKeys.map((key, i) => entry(op, state, key, 'F32', o.params[i % o.params.length]!.shape)) : [];
  const betaPowers = o.betaPowers ? BETA_POWER_KEYS.map((key) => entry(op, state, key, 'F32', [])) : [];
  const expected = new Set([ITERATIONS_KEY, ...(hasSlots ? slotKeys : []), ...(o.betaPowers ? BETA_POWER_KEYS : [])]);
  const unexpected = [...state.keys()].filter((k) => !expected.has(k));
  if (unexpected.length > 0) throw new Error(`${op}: unexpected key${unexpected.length > 1 ? 's' : ''} ${unexpected.map((k) => `'${k}'`).join(', ')}`);

  const old = await o.inner.getWeights();
  const named: Array<{ name: string; tensor: tf.Tensor }> = [{ name: 'iter', tensor: tf.scalar(iterations, 'int32') }];
  slotValues.forEach((t, i) => {
    const v = o.params[i % o.params.length]!;
    const suffix = o.slots[Math.floor(i / o.params.length)]!;
    named.push({ name: `${v.name}${suffix}`, tensor: tf.tensor(t.data as Float32Array, t.shape, 'float32') });
  });
  try {
    await o.inner.setWeights(named);
  } catch (e) {
    old[0]?.tensor.dispose();
    throw e;
  } finally {
    // setWeights makes its own variables from these (sharing the data), so our handles can go.
    tf.dispose(named.map((n) => n.tensor));
  }
  // The old iteration scalar (fresh) and the slot variables setWeights replaced.
  tf.dispose(old.map((w) => w.tensor));
  if (o.betaPowers) {
    const [acc1, acc2] = o.betaPowers;
    const [b1, b2] = betaPowers as [SafetensorsTensor, SafetensorsTensor];
    tf.tidy(() => {
      acc1.assign(tf.scalar((b1.data as Float32Array)[0]!));
      acc2.assign(tf.scalar((b2.data as Float32Array)[0]!));
    });
  }
  return iterations;
}
