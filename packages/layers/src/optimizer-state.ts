// torch.optim state dicts as files: `encodeOptimizerState` / `decodeOptimizerState` write and read
// an optimizer's `stateDict()` as one safetensors file that PyTorch reads with
// python/torch_optim_state.py (and writes for the way back):
//   tensors   `state.<param index>.<key>`   (`step` F32 scalar, `exp_avg`, `exp_avg_sq`,
//             `momentum_buffer`: F32 in PyTorch's layout); None values are left out
//   metadata  format: 'torch.optim', param_groups: JSON of the groups (betas as a list)
// `optimizerStateTensors` / `optimizerStateFromTensors` give the per-parameter part alone as
// named tensors, for checkpoints that keep their hyperparameters elsewhere (@backprop/train).
import { shapeStr, tf } from '@backprop/tensor';
import type { TorchLayout } from './module.js';
import type { OptimizerStateDict } from './optimizer.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { toTorchLayout } from './torch-layout.js';

export const OPTIMIZER_STATE_FORMAT = 'torch.optim';

/** `sd.state` as named tensors `state.<index>.<key>` (None values left out). */
export function optimizerStateTensors(sd: OptimizerStateDict): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const [index, entry] of [...sd.state].sort(([a], [b]) => a - b)) {
    for (const [key, t] of Object.entries(entry)) if (t != null) out.set(`state.${index}.${key}`, t);
  }
  return out;
}

/** The inverse of `optimizerStateTensors`; `op` names the caller in errors. */
export function optimizerStateFromTensors(tensors: Map<string, SafetensorsTensor>, op = 'optimizerStateFromTensors'): OptimizerStateDict['state'] {
  const state: OptimizerStateDict['state'] = new Map();
  for (const [name, t] of tensors) {
    const m = /^state\.(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
    if (m == null) {
      const old = name === 'iterations' || name.includes('/') ? ' (an optimizer state from Backprop before torch.optim’s format: read it with optimizerStateFromLegacy)' : '';
      throw new Error(`${op}: unexpected tensor '${name}', expected 'state.<param index>.<key>'${old}`);
    }
    const index = Number(m[1]);
    const entry = state.get(index) ?? {};
    entry[m[2]!] = t;
    state.set(index, entry);
  }
  return state;
}

/** One safetensors file holding a torch.optim state dict (see the file comment). */
export function encodeOptimizerState(sd: OptimizerStateDict): Uint8Array {
  return encodeSafetensors(optimizerStateTensors(sd), { format: OPTIMIZER_STATE_FORMAT, param_groups: JSON.stringify(sd.param_groups) });
}

/** Reads what `encodeOptimizerState` (or python/torch_optim_state.py) wrote. */
export function decodeOptimizerState(bytes: Uint8Array): OptimizerStateDict {
  const op = 'decodeOptimizerState';
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== OPTIMIZER_STATE_FORMAT) throw new Error(`${op}: metadata.format must be '${OPTIMIZER_STATE_FORMAT}', got '${metadata.format ?? '(none)'}'`);
  let groups: unknown;
  try {
    groups = JSON.parse(metadata.param_groups ?? '');
  } catch {
    throw new Error(`${op}: metadata.param_groups must be JSON, got '${(metadata.param_groups ?? '').slice(0, 40)}'`);
  }
  if (!Array.isArray(groups) || groups.some((g) => g == null || typeof g !== 'object' || !Array.isArray((g as { params?: unknown }).params))) {
    throw new Error(`${op}: metadata.param_groups must be a list of groups, each with a 'params' list`);
  }
  return { state: optimizerStateFromTensors(tensors, op), param_groups: groups as OptimizerStateDict['param_groups'] };
}

/**
 * Reads an optimizer state saved by Backprop before it used torch.optim's format (checkpoints of
 * older run folders): `iterations`, `<param name>/m` and `/v` (Adam) or `/momentum` (SGD) in this
 * library's layout, Adam's `adam.acc_beta1/2`. `params` are the optimizer's parameters in index
 * order with their names and layouts (a Module's stateEntries). Adam's bias corrections are then
 * recomputed from the step (1 − βᵗ) instead of the saved running product: the resumed run can
 * differ in the last bits from the uninterrupted one. Null when `tensors` is not in that format.
 */
export function optimizerStateFromLegacy(
  tensors: Map<string, SafetensorsTensor>,
  params: ReadonlyArray<{ name: string; layout: TorchLayout; shape: readonly number[] }>,
  op = 'optimizerStateFromLegacy',
): OptimizerStateDict['state'] | null {
  const iterations = tensors.get('iterations');
  if (iterations == null) return null;
  const step = Number(iterations.data[0]);
  const state: OptimizerStateDict['state'] = new Map();
  const known = new Set(['iterations', 'adam.acc_beta1', 'adam.acc_beta2']);
  params.forEach((p, i) => {
    const torchValues = (key: string): SafetensorsTensor | undefined => {
      const t = tensors.get(`${p.name}/${key}`);
      if (t == null) return undefined;
      known.add(`${p.name}/${key}`);
      if (t.dtype !== 'F32' || t.shape.join(',') !== p.shape.join(',')) {
        throw new Error(`${op}: '${p.name}/${key}' must be F32 of shape ${shapeStr(p.shape)}, got ${t.dtype} ${shapeStr(t.shape)}`);
      }
      if (p.layout === 'same') return t;
      const moved = tf.tidy(() => toTorchLayout(tf.tensor(t.data as Float32Array, t.shape, 'float32'), p.layout));
      const out: SafetensorsTensor = { dtype: 'F32', shape: moved.shape.slice(), data: Float32Array.from(moved.dataSync() as Float32Array) };
      moved.dispose();
      return out;
    };
    const m = torchValues('m');
    const v = torchValues('v');
    const momentum = torchValues('momentum');
    if (m && v) state.set(i, { step: { dtype: 'F32', shape: [], data: Float32Array.of(step) }, exp_avg: m, exp_avg_sq: v });
    else if (momentum) state.set(i, { momentum_buffer: momentum });
  });
  const unknown = [...tensors.keys()].find((k) => !known.has(k));
  if (unknown != null) throw new Error(`${op}: unexpected tensor '${unknown}' in a pre-torch.optim optimizer state`);
  return state;
}
