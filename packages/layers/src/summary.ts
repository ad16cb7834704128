// A model summary in the style of torchinfo's `summary(model, input_size)`: every module with its
// output shape on a zero input of `inputShape` (run in eval mode, nothing trained or kept) and its
// parameter count, then the totals. `String(model)` gives PyTorch's repr (Module.toString).
import { shapeStr, tf } from '@backprop/tensor';
import type { Module } from './module.js';

export interface SummaryRow {
  /** Dotted name ('' for the model itself). */
  name: string;
  type: string;
  depth: number;
  /** The output shape of its last forward in the summary run; null when it was not called. */
  outputShape: number[] | null;
  /** Trainable values in it and its children. */
  params: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  /** Values in buffers (BatchNorm running statistics), not trained. */
  bufferValues: number;
  /** The table as text. */
  text: string;
}

const typeOf = (m: Module) => String(m).split('(')[0]!;
const shapeText = (s: number[] | null) => (s == null ? '--' : shapeStr(s));
const count = (n: number) => n.toLocaleString('en-US');

/** Runs `model` once on zeros of `inputShape` (e.g. [1, 32, 32, 3]) and tabulates its modules. */
export function summary(model: Module, inputShape: number[]): ModelSummary {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`summary: inputShape must be a list of positive integers (batch first), got ${JSON.stringify(inputShape)}`);
  }
  const modules = model.namedModules();
  const shapes = new Map<Module, number[]>();
  const modes = modules.map(([, m]) => m.training);
  // Record each module's output through an instance-level wrapper of its forward, removed after.
  for (const [, m] of modules) {
    const original = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      writable: true,
      value: (x: tf.Tensor) => {
        const y = original.call(m, x);
        shapes.set(m, y.shape.slice());
        return y;
      },
    });
  }
  try {
    model.eval();
    tf.tidy(() => {
      model.forward(tf.zeros(inputShape));
    });
  } finally {
    for (const [, m] of modules) delete (m as unknown as { forward?: unknown }).forward;
    modules.forEach(([, m], i) => (m.training = modes[i]!));
  }
  const rows: SummaryRow[] = modules.map(([name, m]) => ({
    name,
    type: typeOf(m),
    depth: name === '' ? 0 : name.split('.').length,
    outputShape: shapes.get(m) ?? null,
    params: m.numParameters(),
  }));
  const totalParams = model.numParameters();
  const bufferValues = model.buffers().reduce((n, v) => n + v.size, 0);
  const label = (r: SummaryRow) => (r.depth === 0 ? r.type : `${'  '.repeat(r.depth - 1)}└─${r.name.split('.').pop()} (${r.type})`);
  const w1 = Math.max(20, ...rows.map((r) => label(r).length)) + 2;
  const w2 = Math.max(14, ...rows.map((r) => shapeText(r.outputShape).length)) + 2;
  const rule = '='.repeat(w1 + w2 + 12);
  const lines = [
    `${'Layer (type)'.padEnd(w1)}${'Output Shape'.padEnd(w2)}${'Param #'.padStart(12)}`,
    rule,
    ...rows.map((r) => `${label(r).padEnd(w1)}${shapeText(r.outputShape).padEnd(w2)}${count(r.params).padStart(12)}`),
    rule,
    `Total params: ${count(totalParams)}`,
    `Trainable params: ${count(totalParams)}`,
    `Buffer values (not trained): ${count(bufferValues)}`,
    `Input shape: ${shapeStr(inputShape)}`,
  ];
  return { rows, totalParams, bufferValues, text: lines.join('\n') };
}
