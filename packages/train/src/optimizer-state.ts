// Saving and restoring a @backprop/layers optimizer's state, for checkpoints that resume exactly.
//
// The layers optimizers wrap a tfjs optimizer (`inner`, protected) and expose no state API, so this
// file reaches in: tfjs's `getWeights()` gives [iterations, ...slots], each slot named
// `<variable name>/<suffix>` (Adam: all `/m` then all `/v`; momentum: `/momentum`), in the order of
// the optimizer's parameter list; `setWeights()` takes the same list back. Variable names are
// per-process counters, so the file keys slots by the parameter's PyTorch name instead
// (`layers.0.weight/m`) and rebuilds the order from the module on load.
//
// Adam also keeps β₁ᵗ and β₂ᵗ as variables (accBeta1/2). setWeights recomputes them with pow(),
// which can differ in the last bit from the running product, so they are saved and put back as is:
// that makes a resumed run bit-identical to an uninterrupted one.
import type { Module, Optimizer } from '@backprop/layers';
import { tf } from '@backprop/tensor';
import type { TensorMap } from './trainable-model.js';

interface TfOptimizerInternals extends tf.Optimizer {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function innerOf(optimizer: Optimizer): TfOptimizerInternals {
  const inner = (optimizer as unknown as { inner?: TfOptimizerInternals }).inner;
  if (inner == null || typeof inner.getWeights !== 'function') {
    throw new Error('optimizerState: this @backprop/layers optimizer has no tfjs optimizer inside (`inner`); cannot checkpoint its state');
  }
  return inner;
}

const ITERATIONS = 'iterations';
const ACC_BETA = ['adam.acc_beta1', 'adam.acc_beta2'] as const;

/** The optimizer's state with PyTorch parameter names: `iterations`, `<param>/<slot>` and Adam's β powers. */
export async function saveOptimizerState(module: Module, optimizer: Optimizer): Promise<TensorMap> {
  const inner = innerOf(optimizer);
  const nameOf = new Map(module.namedParameters().map(([name, v]) => [v.name, name]));
  const weights = await inner.getWeights();
  const out: TensorMap = new Map();
  for (const [i, { name, tensor }] of weights.entries()) {
    if (i === 0) {
      out.set(ITERATIONS, { dtype: 'I32', shape: [], data: Int32Array.from(tensor.dataSync() as Int32Array) });
      tensor.dispose(); // saveIterations made a fresh scalar
      continue;
    }
    const cut = name.lastIndexOf('/');
    const param = nameOf.get(name.slice(0, cut));
    if (cut < 0 || param == null) throw new Error(`saveOptimizerState: slot '${name}' belongs to no parameter of the module`);
    out.set(`${param}${name.slice(cut)}`, { dtype: 'F32', shape: tensor.shape.slice(), data: Float32Array.from(tensor.dataSync() as Float32Array) });
  }
  if (inner.accBeta1 && inner.accBeta2) {
    out.set(ACC_BETA[0], { dtype: 'F32', shape: [], data: Float32Array.from(inner.accBeta1.dataSync() as Float32Array) });
    out.set(ACC_BETA[1], { dtype: 'F32', shape: [], data: Float32Array.from(inner.accBeta2.dataSync() as Float32Array) });
  }
  return out;
}

/** Restores `saveOptimizerState`'s output into a fresh optimizer (before its first step). */
export async function loadOptimizerState(module: Module, optimizer: Optimizer, state: TensorMap): Promise<void> {
  const inner = innerOf(optimizer);
  if (state.size === 0) return;
  const iterations = state.get(ITERATIONS);
  if (iterations == null) throw new Error(`loadOptimizerState: missing '${ITERATIONS}'`);
  const params = module.namedParameters();
  // Slot suffixes in the order they were saved (Adam: /m before /v).
  const suffixes: string[] = [];
  for (const key of state.keys()) {
    if (key === ITERATIONS || (ACC_BETA as readonly string[]).includes(key)) continue;
    const suffix = key.slice(key.lastIndexOf('/'));
    if (!suffixes.includes(suffix)) suffixes.push(suffix);
  }
  const expected = suffixes.length * params.length + 1 + (state.has(ACC_BETA[0]) ? 2 : 0);
  if (state.size !== expected) {
    throw new Error(`loadOptimizerState: expected ${expected} entries for ${params.length} parameters × [${suffixes.join(', ')}], got ${state.size}`);
  }
  const named: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(Number((iterations.data as Int32Array)[0]), 'int32') }];
  for (const suffix of suffixes) {
    for (const [name, v] of params) {
      const t = state.get(`${name}${suffix}`);
      if (t == null) throw new Error(`loadOptimizerState: missing '${name}${suffix}'`);
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`loadOptimizerState: '${name}${suffix}' must have shape [${v.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      }
      named.push({ name: `${v.name}${suffix}`, tensor: tf.tensor(t.data as Float32Array, t.shape, 'float32') });
    }
  }
  try {
    await inner.setWeights(named);
  } finally {
    // setWeights makes its own variables from these (sharing the data), so our handles can go.
    tf.dispose(named.map((n) => n.tensor));
  }
  const b1 = state.get(ACC_BETA[0]);
  const b2 = state.get(ACC_BETA[1]);
  if (b1 && b2 && inner.accBeta1 && inner.accBeta2) {
    const [acc1, acc2] = [inner.accBeta1, inner.accBeta2];
    tf.tidy(() => {
      acc1.assign(tf.scalar((b1.data as Float32Array)[0]!));
      acc2.assign(tf.scalar((b2.data as Float32Array)[0]!));
    });
  }
}
